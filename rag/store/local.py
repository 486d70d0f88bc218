"""The default backend: a directory of plain files, written atomically.

    index/
      manifest.json            what is live: settings, segments, documents (the only file ever rewritten)
      docs/<doc_id>.txt        each document's decoded text (content-addressed, immutable)
      segments/<id>/           immutable batch of chunks: chunks.npz (doc, start, end), vectors.npy,
                               bm25.npz + bm25_vocab.json, docs.json
      .lock                    writers hold an exclusive lock on it

A commit writes new files first and then replaces manifest.json in one os.replace, so a crash at any moment
leaves the previous manifest, and everything it points at, intact. A removed document simply leaves the
manifest; its rows in old segments are dead and skipped, until segments are merged.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from ..records import Chunk, Document
from .base import DocRecord, IndexMismatch, StoreError
from .bm25 import SegmentBM25, search as bm25_search

FORMAT = 1
MAX_SEGMENTS = 8
DEAD_RATIO_TO_MERGE = 0.3
LOCK_WAIT_SECONDS = 600


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Segment:
    """One immutable batch of chunks, loaded into memory (vectors memory-mapped)."""

    def __init__(self, folder: Path):
        self.id = folder.name
        self.doc_ids: list[str] = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        z = np.load(folder / "chunks.npz", allow_pickle=False)
        self.doc_index, self.starts, self.ends = z["doc"], z["start"], z["end"]
        self.ordinals = z["ordinal"]
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.bm25 = SegmentBM25.load(folder)
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.vectors):
            self.faiss.add(np.ascontiguousarray(self.vectors, dtype=np.float32))
        self.live = np.ones(len(self.starts), dtype=bool)

    def __len__(self) -> int:
        return len(self.starts)

    def set_live(self, documents: dict[str, DocRecord]) -> None:
        doc_live = np.array([(d in documents and documents[d].segment == self.id) for d in self.doc_ids], dtype=bool)
        self.live = doc_live[self.doc_index] if len(self.doc_index) else np.zeros(0, dtype=bool)

    @staticmethod
    def write(folder: Path, doc_ids: list[str], rows: list[tuple[int, int, int, int]], vectors: np.ndarray,
              terms: list[list[str]]) -> None:
        """rows: (doc index, start, end, ordinal within the document)."""
        tmp = folder.with_name(f".{folder.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        arr = np.array(rows, dtype=np.int64).reshape(-1, 4)
        np.savez(tmp / "chunks.npz", doc=arr[:, 0].astype(np.int32), start=arr[:, 1], end=arr[:, 2],
                 ordinal=arr[:, 3].astype(np.int32))
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
        SegmentBM25.build(terms).save(tmp)
        (tmp / "docs.json").write_text(json.dumps(doc_ids), encoding="utf-8")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, folder)
        _fsync_dir(folder.parent)


class LocalStore:
    def __init__(self, root: Path, manifest: dict):
        self.root = root
        self.manifest = manifest
        self._segments: dict[str, Segment] = {}
        self._docs: dict[str, DocRecord] = {}
        self._text_cache: dict[str, str] = {}
        self._stamp = None
        self._load()

    # ---------- opening ----------
    @classmethod
    def open(cls, root: Path, config, create: bool = False, model_dim: int | None = None) -> "LocalStore":
        root = Path(root)
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            if not create:
                raise StoreError(f"no index at {root}; build one with: rag index PATH --index {root}")
            root.mkdir(parents=True, exist_ok=True)
            (root / "docs").mkdir(exist_ok=True)
            (root / "segments").mkdir(exist_ok=True)
            manifest = cls._new_manifest(config, model_dim)
            with cls._locked(root):
                if not manifest_path.exists():
                    _write_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        store = cls(root, cls._read_manifest(root))
        store.check(config, model_dim)
        return store

    @staticmethod
    def _new_manifest(config, model_dim: int | None) -> dict:
        import faiss as _faiss
        import jieba
        import sentence_transformers
        return {
            "format": FORMAT,
            "created": _now(), "updated": _now(),
            "versions": {"sentence_transformers": sentence_transformers.__version__,
                         "faiss": _faiss.__version__, "jieba": jieba.__version__},
            "model": {"name": config.model, "dim": model_dim},
            "tokenizer": {"name": "jieba-search", "bigrams": config.use_bigrams,
                          "user_dict": str(config.user_dict) if config.user_dict else None},
            "chunking": {"max_chars": config.chunk_chars, "overlap_chars": config.chunk_overlap_chars},
            "segments": [], "next_segment": 1, "documents": {},
            "counts": {"documents": 0, "chunks": 0},
        }

    @staticmethod
    def _read_manifest(root: Path) -> dict:
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{root}/manifest.json is unreadable ({e}); restore it or rebuild with rag index")
        if manifest.get("format") != FORMAT:
            raise IndexMismatch(f"index {root} has format {manifest.get('format')}, this version reads {FORMAT}; "
                                f"rebuild it with rag index into a new --index folder")
        return manifest

    def check(self, config, model_dim: int | None = None) -> None:
        """Refuse to use an index with a model or tokenizer other than the configured one."""
        built = self.manifest["model"]
        if built["name"] != config.model:
            raise IndexMismatch(f"index {self.root} was built with model '{built['name']}', not '{config.model}'; "
                                f"use --model {built['name']} or another --index folder")
        if model_dim is not None and built.get("dim") not in (None, model_dim):
            raise IndexMismatch(f"index {self.root} has {built['dim']}-dim vectors but the model gives {model_dim}; "
                                f"rebuild it into another --index folder")
        tok = self.manifest["tokenizer"]
        if tok["bigrams"] != config.use_bigrams:
            raise IndexMismatch(f"index {self.root} was built with bigrams={tok['bigrams']}; "
                                f"rebuild it to change the tokenizer")

    def _load(self) -> None:
        docs = {k: DocRecord.from_json(v) for k, v in self.manifest["documents"].items()}
        wanted = self.manifest["segments"]
        segments = {}
        for sid in wanted:
            segments[sid] = self._segments.get(sid) or Segment(self.root / "segments" / sid)
        for seg in segments.values():
            seg.set_live(docs)
        self._segments, self._docs = segments, docs
        self._stamp = self._manifest_stamp()

    def _manifest_stamp(self):
        try:
            st = os.stat(self.root / "manifest.json")
            return (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return None

    def refresh(self) -> bool:
        """Pick up commits made by another process; True when something changed."""
        if self._manifest_stamp() == self._stamp:
            return False
        self.manifest = self._read_manifest(self.root)
        self._load()
        return True

    # ---------- reading ----------
    def documents(self) -> list[DocRecord]:
        return sorted(self._docs.values(), key=lambda d: d.added)

    def document(self, doc_id: str) -> DocRecord | None:
        return self._docs.get(doc_id)

    def doc_for_source(self, source: str) -> str | None:
        for d in self._docs.values():
            if source in d.sources:
                return d.id
        return None

    def document_text(self, doc_id: str) -> str:
        text = self._text_cache.get(doc_id)
        if text is None:
            text = (self.root / "docs" / f"{doc_id}.txt").read_text(encoding="utf-8")
            if len(self._text_cache) > 256:
                self._text_cache.clear()
            self._text_cache[doc_id] = text
        return text

    def chunk_count(self) -> int:
        return int(sum(seg.live.sum() for seg in self._segments.values()))

    def _chunk(self, seg: Segment, row: int) -> Chunk:
        doc_id = seg.doc_ids[seg.doc_index[row]]
        start, end = int(seg.starts[row]), int(seg.ends[row])
        return Chunk(id=f"{doc_id}:{int(seg.ordinals[row])}", doc_id=doc_id,
                     text=self.document_text(doc_id)[start:end], start=start, end=end)

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        q = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        found = []
        for seg in self._segments.values():
            n_live = int(seg.live.sum())
            if not n_live:
                continue
            kk = min(len(seg), k + (len(seg) - n_live))
            scores, rows = seg.faiss.search(q, kk)
            found.extend((float(s), seg, int(r)) for s, r in zip(scores[0], rows[0]) if r >= 0 and seg.live[r])
        found.sort(key=lambda f: -f[0])
        return [(self._chunk(seg, r), s) for s, seg, r in found[:k]]

    def bm25_search(self, terms: list[str], k: int) -> list[tuple[Chunk, float, tuple[str, ...]]]:
        segs = list(self._segments.values())
        hits = bm25_search([(s.bm25, s.live) for s in segs], terms, k)
        return [(self._chunk(segs[s], r), score, matched) for s, r, score, matched in hits]

    # ---------- writing ----------
    @staticmethod
    @contextlib.contextmanager
    def _locked(root: Path):
        fd = os.open(root / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as e:
                    if e.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() > deadline:
                        raise StoreError(f"another process is still writing to {root}; try again when it is done")
                    if not told:
                        import sys
                        print(f"waiting for another process writing to {root} ...", file=sys.stderr)
                        told = True
                    time.sleep(0.2)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.contextmanager
    def writer(self):
        with self._locked(self.root):
            self.refresh()  # another process may have committed since we loaded
            w = _Writer(self)
            yield w
            if w.dirty:
                w.commit()
        self.refresh()


class _Writer:
    def __init__(self, store: LocalStore):
        self.store = store
        self.manifest = json.loads(json.dumps(store.manifest))  # private copy until commit
        self.docs: dict[str, dict] = self.manifest["documents"]
        self.new_docs: list[tuple[Document, list[Chunk], np.ndarray, list[list[str]]]] = []
        self.dirty = False

    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]]) -> None:
        """Add a document (or replace the one with the same id). Its text is written now; it becomes
        visible at commit."""
        path = self.store.root / "docs" / f"{doc.id}.txt"
        if not path.exists():
            _write_atomic(path, doc.text.encode("utf-8"))
        for other in list(self.docs.values()):  # a source now has new content: drop it from the old doc
            if doc.source in other["sources"] and other["id"] != doc.id:
                self._drop_source(other["id"], doc.source)
        self.new_docs.append((doc, chunks, vectors, terms))
        self.docs[doc.id] = DocRecord(
            id=doc.id, sources=[doc.source], chunks=len(chunks), chars=len(doc.text),
            encoding=doc.meta.get("encoding", "utf-8"), added=_now(), segment="(pending)",
            meta={"bytes": doc.meta.get("bytes", 0)}).to_json()
        self.dirty = True

    def add_source(self, doc_id: str, source: str) -> None:
        """Same content under another name: list the name, index nothing twice."""
        for other in list(self.docs.values()):
            if source in other["sources"] and other["id"] != doc_id:
                self._drop_source(other["id"], source)
        if source not in self.docs[doc_id]["sources"]:
            self.docs[doc_id]["sources"].append(source)
            self.dirty = True

    def _drop_source(self, doc_id: str, source: str) -> None:
        rec = self.docs[doc_id]
        rec["sources"] = [s for s in rec["sources"] if s != source]
        if not rec["sources"]:
            del self.docs[doc_id]
        self.dirty = True

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.docs:
            raise StoreError(f"no document '{doc_id}' in the index; see rag docs")
        del self.docs[doc_id]
        self.new_docs = [n for n in self.new_docs if n[0].id != doc_id]
        self.dirty = True

    def remove_source(self, source: str) -> str | None:
        for rec in list(self.docs.values()):
            if source in rec["sources"]:
                self._drop_source(rec["id"], source)
                return rec["id"]
        return None

    def commit(self) -> None:
        """Make everything added or removed so far visible, atomically (the writer stays usable)."""
        root = self.store.root
        m = self.manifest
        new = [n for n in self.new_docs if n[0].id in self.docs]
        if new:
            sid = f"s{m['next_segment']:06d}"
            m["next_segment"] += 1
            doc_ids, rows, vecs, terms = [], [], [], []
            for doc, chunks, vectors, chunk_terms in new:
                di = len(doc_ids)
                doc_ids.append(doc.id)
                rows.extend((di, c.start, c.end, int(c.id.rsplit(":", 1)[1])) for c in chunks)
                vecs.append(vectors)
                terms.extend(chunk_terms)
                self.docs[doc.id]["segment"] = sid
            dim = vecs[0].shape[1]
            if m["model"].get("dim") is None:
                m["model"]["dim"] = dim
            Segment.write(root / "segments" / sid, doc_ids, rows, np.vstack(vecs), terms)
            m["segments"].append(sid)
        self._merge_if_needed()
        m["updated"] = _now()
        m["counts"] = {"documents": len(self.docs), "chunks": sum(d["chunks"] for d in self.docs.values())}
        _write_atomic(root / "manifest.json", json.dumps(m, ensure_ascii=False, indent=1).encode("utf-8"))
        _fsync_dir(root)
        self._collect_garbage()
        self.new_docs, self.dirty = [], False

    def _merge_if_needed(self) -> None:
        """Too many segments, or too many dead rows: copy the live rows into one new segment (no re-embedding)."""
        m = self.manifest
        root = self.store.root
        sizes = {}
        for sid in m["segments"]:
            z = np.load(root / "segments" / sid / "chunks.npz", allow_pickle=False)
            sizes[sid] = len(z["start"])
        total = sum(sizes.values())
        live_total = sum(d["chunks"] for d in self.docs.values())
        if len(m["segments"]) <= MAX_SEGMENTS and (not total or 1 - live_total / total < DEAD_RATIO_TO_MERGE):
            return
        sid = f"s{m['next_segment']:06d}"
        m["next_segment"] += 1
        doc_ids, rows, vecs, terms = [], [], [], []
        for old in m["segments"]:
            seg = Segment(root / "segments" / old)
            keep_docs = [i for i, d in enumerate(seg.doc_ids) if d in self.docs and self.docs[d]["segment"] == old]
            if not keep_docs:
                continue
            remap = {}
            for i in keep_docs:
                remap[i] = len(doc_ids)
                doc_ids.append(seg.doc_ids[i])
                self.docs[seg.doc_ids[i]]["segment"] = sid
            keep_rows = np.flatnonzero(np.isin(seg.doc_index, keep_docs))
            rows.extend((remap[int(seg.doc_index[r])], int(seg.starts[r]), int(seg.ends[r]), int(seg.ordinals[r]))
                        for r in keep_rows)
            vecs.append(np.asarray(seg.vectors[keep_rows], dtype=np.float32))
            terms.extend(seg.bm25.rows_terms(keep_rows))
        if vecs:
            Segment.write(root / "segments" / sid, doc_ids, rows, np.vstack(vecs), terms)
            m["segments"] = [sid]
        else:
            m["segments"] = []

    def _collect_garbage(self) -> None:
        """After the commit: delete segments and texts the manifest no longer points at."""
        root = self.store.root
        live_segments = set(self.manifest["segments"])
        # We hold the lock, so leftovers of a crashed writer (".…tmp") can go too.
        for folder in (root / "segments").iterdir():
            if folder.name not in live_segments:
                shutil.rmtree(folder, ignore_errors=True)
        for f in (root / "docs").iterdir():
            if f.suffix == ".tmp" or (f.suffix == ".txt" and f.stem not in self.docs):
                f.unlink(missing_ok=True)
