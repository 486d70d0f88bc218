"""The default backend: a directory of plain files, written atomically, read through immutable snapshots.

    index/
      manifest.json            what is live: settings, segments, the document log's name and committed length
      documents-<n>.jsonl      document records, append-only: {"put": record} or {"del": id} per line
      docs/<doc_id>.txt        each document's decoded text (content-addressed, immutable)
      docs/<doc_id>.pages.json its page map, for PDFs and scans (rag/formats)
      segments/<id>/           immutable batches of chunks (segment.py)
      .lock                    writers hold an exclusive lock on it

A commit (local_writer.py) writes new files first and then replaces manifest.json in one os.replace, so a crash
at any moment leaves the previous manifest, and everything it points at, intact.

Readers: everything a question reads (manifest, document records, source names, live segments, the log position
they were read up to, the manifest's stamp) is one `Snapshot`, built aside and swapped in as one attribute; a
question takes it once and never sees half of a reload. Reloads are serialized in a process (one lock), start from
the latest snapshot and only move forward. A reader in another process that finds a file gone (a newer commit
merged or compacted it away) reads the newer manifest and starts again.

Writers: one at a time, across threads (a lock per index folder) and processes (flock on .lock); a writer first
catches up with the manifest on disk under both locks, so a merge, log rewrite or clean-up works from the newest
state and never deletes what the newest manifest references.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from pathlib import Path

import faiss
import numpy as np

from ..records import Chunk
from .base import (
    DocRecord,
    DocRecordsView,
    StoreError,
    check_settings,
    chunk_id,
    split_chunk_id,
)
from .bm25 import search as bm25_search
from .files import (
    FORMAT,
    file_lock,
    manifest_stamp,
    new_manifest,
    os_message,
    read_manifest,
    thread_lock,
    write_atomic,
)
from .segment import LiveSegment
from .snapshot import Snapshot, build_snapshot

TEXT_CACHE_CHARS = 8_000_000  # document texts kept in memory for search hits (~16 MB of CJK text)
RELOAD_ATTEMPTS = 5
PAGES_CACHE_DOCS = 256  # page maps kept in memory (a 300-page map with line boxes is a few hundred KB)
__all__ = ["FORMAT", "LocalStore", "Snapshot", "build_snapshot", "manifest_stamp", "os_message", "write_atomic"]


class LocalStore(DocRecordsView):
    def __init__(self, root: Path, manifest: dict, stamp=None):
        # One query per core: OpenMP threads for a single query were 2× slower on a busy 2-core machine, and two
        # clients use both cores anyway. IVF training sets its own threads.
        faiss.omp_set_num_threads(1)
        self.root = root
        self._reload_lock = threading.Lock()
        self._text_lock = threading.Lock()
        self._text_cache: dict[str, str] = {}  # insertion order = recency
        self._text_chars = 0
        self._pages_cache: dict[str, dict | None] = {}  # insertion order: oldest first
        self._docs_dir = str(root / "docs")
        self.unreadable: set[str] = set()  # documents whose text could not be read (rag check says why)
        self._snap = self._load_retrying(manifest, stamp)

    # ---------- the current snapshot ----------
    @property
    def manifest(self) -> dict:
        return self._snap.manifest

    @property
    def _docs(self) -> dict[str, DocRecord]:
        return self._snap.docs

    @property
    def _by_source(self) -> dict[str, str]:
        return self._snap.by_source

    @property
    def _segments(self) -> dict[str, LiveSegment]:
        return self._snap.segments

    # ---------- opening ----------
    @classmethod
    def open(cls, root: Path, config, create: bool = False, model_dim: int | None = None) -> LocalStore:
        root = Path(root)
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            if not create:
                raise StoreError(f"no index at {root}; build one with: rag index PATH --index {root}")
            try:
                for d in (root, root / "docs", root / "segments"):
                    d.mkdir(parents=True, exist_ok=True)
                with file_lock(root):
                    if not manifest_path.exists():
                        write_atomic(manifest_path, json.dumps(new_manifest(config, model_dim), indent=1).encode())
            except OSError as e:
                raise StoreError(os_message(e, root)) from None
        stamp = manifest_stamp(root)
        store = cls(root, read_manifest(root), stamp)
        store.check(config, model_dim)
        return store

    def check(self, config, model_dim: int | None = None) -> None:
        check_settings(self.manifest, config, model_dim, str(self.root), "another --index folder")

    def _load_retrying(self, manifest: dict, stamp, base: Snapshot | None = None) -> Snapshot:
        for attempt in range(RELOAD_ATTEMPTS):
            try:
                return build_snapshot(self.root, manifest, stamp, base)
            except FileNotFoundError as e:
                if attempt == RELOAD_ATTEMPTS - 1:
                    raise StoreError(f"{e.filename} is missing; run rag check --repair") from None
                time.sleep(0.05 * (attempt + 1))
                stamp = manifest_stamp(self.root)
                manifest = read_manifest(self.root)
        raise AssertionError("unreachable")

    def refresh(self) -> bool:
        """Pick up commits made by another writer; True when something changed."""
        if manifest_stamp(self.root) == self._snap.stamp:
            return False
        with self._reload_lock:
            stamp = manifest_stamp(self.root)  # before reading: a commit in between only causes another reload
            if stamp == self._snap.stamp:
                return False  # another thread reloaded meanwhile
            self._snap = self._load_retrying(read_manifest(self.root), stamp, self._snap)
        return True

    def catch_up(self) -> Snapshot:
        """Writers, under the write locks: the newest committed state, whatever the stamp says."""
        with self._reload_lock:
            stamp = manifest_stamp(self.root)
            manifest = read_manifest(self.root)
            if manifest != self._snap.manifest:
                self._snap = build_snapshot(self.root, manifest, stamp, self._snap)
            return self._snap

    def publish(self, snap: Snapshot) -> None:
        """A writer in this process committed: readers see it now, without reading it back."""
        with self._reload_lock:
            self._snap = snap

    # ---------- reading ----------
    def document_text(self, doc_id: str) -> str:
        # Every search hit needs its chunk's text: keep recently used documents (LRU, bounded by characters);
        # reading files per hit was most of a query's search time.
        with self._text_lock:
            text = self._text_cache.pop(doc_id, None)
            if text is not None:
                self._text_cache[doc_id] = text  # (re)inserted last = most recently used
                return text
        try:
            with open(os.path.join(self._docs_dir, doc_id + ".txt"), encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            if doc_id in self._docs:
                raise StoreError(f"the text of document {doc_id} ({self._docs_dir}/{doc_id}.txt) is missing; "
                                 f"run rag check --repair") from None
            raise StoreError(f"no document '{doc_id}' in the index; see rag docs") from None
        except (OSError, UnicodeDecodeError) as e:
            raise StoreError(f"cannot read {self._docs_dir}/{doc_id}.txt ({e}); run rag check --repair") from None
        with self._text_lock:
            if doc_id not in self._text_cache:
                self._text_cache[doc_id] = text
                self._text_chars += len(text)
                while self._text_chars > TEXT_CACHE_CHARS and len(self._text_cache) > 1:
                    self._text_chars -= len(self._text_cache.pop(next(iter(self._text_cache))))
        return text

    def document_pages(self, doc_id: str) -> dict | None:
        """The page map of a PDF or scanned document (docs/<id>.pages.json, see rag/formats), None for others.
        Kept for the most recent documents (ids are content hashes: a kept map never goes stale), so a question
        citing them reads no file."""
        with self._text_lock:
            if doc_id in self._pages_cache:
                return self._pages_cache[doc_id]
        try:
            with open(os.path.join(self._docs_dir, doc_id + ".pages.json"), encoding="utf-8") as f:
                pages = json.load(f)
        except (OSError, ValueError):
            pages = None
        with self._text_lock:
            self._pages_cache[doc_id] = pages
            while len(self._pages_cache) > PAGES_CACHE_DOCS:
                self._pages_cache.pop(next(iter(self._pages_cache)))
        return pages

    def chunk_count(self) -> int:
        return int(sum(seg.n_live for seg in self._segments.values()))

    def _chunk(self, seg: LiveSegment, row: int) -> Chunk | None:
        """The chunk at `row`, or None when its document's text cannot be read (the question goes on without
        it; `unreadable` and rag check say which)."""
        doc_id = seg.doc_ids[seg.doc_index[row]]
        start, end = int(seg.starts[row]), int(seg.ends[row])
        try:
            text = self.document_text(doc_id)
        except StoreError as e:
            if doc_id in self._docs and doc_id not in self.unreadable:  # not merely removed since the search
                self.unreadable.add(doc_id)
                print(f"warning: {e}", file=sys.stderr)
            return None
        return Chunk(id=chunk_id(doc_id, int(seg.ordinals[row])), doc_id=doc_id, text=text[start:end],
                     start=start, end=end)

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        q = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        found = []
        for seg in self._snap.segments.values():
            scores, rows = seg.search(q, k)
            found.extend(zip(scores.tolist(), [seg] * len(rows), rows.tolist(), strict=True))
        found.sort(key=lambda f: -f[0])
        out = ((self._chunk(seg, r), s) for s, seg, r in found[:k])
        return [(c, s) for c, s in out if c is not None]

    def bm25_search(self, terms: list[str], k: int) -> list[tuple[Chunk, float, tuple[str, ...]]]:
        segs = [s for s in self._snap.segments.values() if s.n_live]
        hits = bm25_search([(s.bm25, s.live) for s in segs], terms, k)
        out = ((self._chunk(segs[s], r), score, matched) for s, r, score, matched in hits)
        return [(c, score, matched) for c, score, matched in out if c is not None]

    def chunk_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Optional Store method: the stored (unit) vectors of the given live chunks, so a caller can get the
        cosine of a chunk found only by BM25 without encoding it again. Unknown ids are left out."""
        snap, out = self._snap, {}
        for cid in chunk_ids:
            doc_id, ordinal = split_chunk_id(cid)
            rec = snap.docs.get(doc_id)
            seg = snap.segments.get(rec.segment) if rec else None
            if seg is None or ordinal is None:
                continue
            for r in seg.rows_of(doc_id):
                if seg.ordinals[r] == ordinal:
                    out[cid] = np.asarray(seg.vectors[r], dtype=np.float32)
                    break
        return out

    def export(self):
        """Every live document with its chunks, stored vectors and BM25 terms, for copying into another store
        without re-embedding: yields (record, text, chunks, vectors, terms)."""
        snap = self._snap
        for rec in sorted(snap.docs.values(), key=lambda d: d.added):
            seg = snap.segments[rec.segment]
            rows = np.asarray(seg.rows_of(rec.id), dtype=np.int64)
            rows = rows[np.argsort(np.asarray(seg.ordinals)[rows], kind="stable")]
            text = self.document_text(rec.id)
            chunks = [Chunk(id=chunk_id(rec.id, int(seg.ordinals[r])), doc_id=rec.id,
                            text=text[int(seg.starts[r]):int(seg.ends[r])],
                            start=int(seg.starts[r]), end=int(seg.ends[r])) for r in rows]
            yield rec, text, chunks, np.asarray(seg.vectors[rows], dtype=np.float32), seg.bm25.rows_terms(rows)

    # ---------- writing ----------
    @contextlib.contextmanager
    def writer(self):
        from .local_writer import LocalWriter
        with thread_lock(self.root), file_lock(self.root):
            w = LocalWriter(self, self.catch_up())
            yield w
            if w.dirty:
                w.commit()


