"""The default backend: a directory of plain files, written atomically.

    index/
      manifest.json            what is live: settings, segments, the document log's name and committed length
      documents-<n>.jsonl      document records, append-only: {"put": record} or {"del": id} per line
      docs/<doc_id>.txt        each document's decoded text (content-addressed, immutable)
      segments/<id>/           immutable batch of chunks: chunks.npz (doc, start, end), vectors.npy,
                               bm25.npz + bm25_vocab.json, docs.json, and dense.faiss for large segments
      .lock                    writers hold an exclusive lock on it

A commit writes new files first (a segment, lines appended to the document log) and then replaces
manifest.json in one os.replace; the manifest names the log and how many of its bytes are committed, so a
crash at any moment leaves the previous manifest, and everything it points at, intact (bytes a crashed writer
appended past the committed length are ignored, then cut by the next writer). The log keeps a commit cheap at
any size: adding one document to 100k chunks appends one line instead of rewriting every record.

A removed document leaves its rows in old segments dead and skipped. Segments merge by tiers, so one commit
never copies much: small segments (searched exactly) merge together when there are too many or they add up to
FLAT_MAX_ROWS; large ones (an IVF index, nprobe chosen for ≤1% recall loss, measured in bench/) merge when
MERGE_FACTOR of them share a size tier; any segment with too many dead rows is rewritten.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
import shutil
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from ..records import Chunk, Document
from .base import DocRecord, DocRecordsView, IndexMismatch, StoreError
from .bm25 import SegmentBM25, search as bm25_search

FORMAT = 2  # 1 kept documents inside manifest.json; it is still read and upgraded at the next commit
READS_FORMATS = (1, 2)
FLAT_MAX_ROWS = 20_000   # below: exact search (IndexFlatIP); at or above: IVF
SMALL_SEGMENTS_MAX = 8   # more small segments than this: merge them into one
MERGE_FACTOR = 4         # this many large segments in one size tier (×4 steps): merge them
DEAD_RATIO_TO_MERGE = 0.3
# IVF lists searched per query: an eighth of them, but no more than ~NPROBE_ROWS rows' worth. Measured (bench/):
# recall@50 vs exact 0.996 at 100k (79 of 632 lists), 0.999 at 1M (5 segments × 56 of 894 lists).
NPROBE_SHARE = 1 / 8
NPROBE_ROWS = 12_500
LOCK_WAIT_SECONDS = 600
TEXT_CACHE_CHARS = 8_000_000  # document texts kept in memory for search hits (~16 MB of CJK text)


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


def _ivf_nlist(n: int) -> int:
    """~2·sqrt(n) lists (≈280 at 20k rows, 632 at 100k, capped at 1024), at least 39 training rows per list."""
    return max(1, min(1024, int(2 * math.sqrt(n)), n // 39))


def _build_ivf(vectors: np.ndarray) -> faiss.Index:
    n, d = vectors.shape
    nlist = _ivf_nlist(n)
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.spherical = True  # unit vectors: centroids on the sphere
    sample = np.sort(np.random.default_rng(0).choice(n, size=min(n, nlist * 40), replace=False))
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        ivf.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
        for lo in range(0, n, 65536):
            ivf.add(np.ascontiguousarray(vectors[lo:lo + 65536], dtype=np.float32))
    finally:
        faiss.omp_set_num_threads(threads)
    return ivf


class Segment:
    """One immutable batch of chunks, loaded into memory (vectors memory-mapped)."""

    def __init__(self, folder: Path):
        self.id = folder.name
        self.doc_ids: list[str] = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        self.doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        z = np.load(folder / "chunks.npz", allow_pickle=False)
        self.doc_index, self.starts, self.ends = z["doc"], z["start"], z["end"]
        self.ordinals = z["ordinal"]
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.bm25 = SegmentBM25.load(folder)
        if (folder / "dense.faiss").exists():
            self.index = faiss.read_index(str(folder / "dense.faiss"))
            share = min(NPROBE_SHARE, NPROBE_ROWS / max(len(self.starts), 1))
            self.nprobe = max(1, math.ceil(self.index.nlist * share))
        else:
            self.index = faiss.IndexFlatIP(self.vectors.shape[1])
            self.nprobe = 0
            if len(self.vectors):
                self.index.add(np.ascontiguousarray(self.vectors, dtype=np.float32))
        self.live = np.ones(len(self.starts), dtype=bool)
        self.n_live = len(self.starts)
        self._params = None

    def __len__(self) -> int:
        return len(self.starts)

    def set_live(self, documents: dict[str, DocRecord]) -> None:
        doc_live = np.array([(d in documents and documents[d].segment == self.id) for d in self.doc_ids], dtype=bool)
        live = doc_live[self.doc_index] if len(self.doc_index) else np.zeros(0, dtype=bool)
        if self._params is None or not np.array_equal(live, self.live):
            self.live, self.n_live, self._params = live, int(live.sum()), None

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the best k live rows."""
        k = min(k, self.n_live)
        if k <= 0:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        if self._params is None:
            sel, bits = None, None
            if self.n_live < len(self):  # skip dead rows inside the search, not by over-fetching
                bits = np.packbits(self.live, bitorder="little")
                sel = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
            params = (faiss.SearchParametersIVF(sel=sel, nprobe=self.nprobe) if self.nprobe
                      else faiss.SearchParameters(sel=sel))
            self._params = (params, sel, bits)  # the selector reads `bits`: keep them alive together
        params, _, _ = self._params
        scores, rows = self.index.search(q, k, params=params)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def rows_of(self, doc_id: str) -> range:
        i = self.doc_pos.get(doc_id)
        if i is None:
            return range(0)
        return range(int(np.searchsorted(self.doc_index, i, "left")), int(np.searchsorted(self.doc_index, i, "right")))

    @staticmethod
    def write(folder: Path, doc_ids: list[str], rows: list[tuple[int, int, int, int]] | np.ndarray,
              vectors: np.ndarray, bm25: SegmentBM25 | list[list[str]]) -> None:
        """rows: (doc index, start, end, ordinal within the document), grouped by document."""
        tmp = folder.with_name(f".{folder.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
        np.savez(tmp / "chunks.npz", doc=arr[:, 0].astype(np.int32), start=arr[:, 1], end=arr[:, 2],
                 ordinal=arr[:, 3].astype(np.int32))
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        np.save(tmp / "vectors.npy", vectors)
        if len(vectors) >= FLAT_MAX_ROWS:
            faiss.write_index(_build_ivf(vectors), str(tmp / "dense.faiss"))
        (bm25 if isinstance(bm25, SegmentBM25) else SegmentBM25.build(bm25)).save(tmp)
        (tmp / "docs.json").write_text(json.dumps(doc_ids), encoding="utf-8")
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, folder)
        _fsync_dir(folder.parent)


def _read_log(path: Path, start: int, end: int, docs: dict[str, DocRecord]) -> None:
    """Apply the committed lines [start, end) of a document log to `docs`."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if len(data) != end - start:
        raise StoreError(f"{path} is shorter than its manifest says; restore it or rebuild with rag index")
    if not data:
        return
    # One parse for the whole range (a json.loads per line was most of opening a 100k-chunk index).
    for entry in json.loads(b"[" + b",".join(data.splitlines()) + b"]"):
        if "put" in entry:
            rec = DocRecord.from_json(entry["put"])
            docs[rec.id] = rec
        else:
            docs.pop(entry["del"], None)


class LocalStore(DocRecordsView):
    def __init__(self, root: Path, manifest: dict):
        # One query per core: OpenMP threads for a single query were 2× slower on a busy 2-core machine, and two
        # clients use both cores anyway. IVF training sets its own threads.
        faiss.omp_set_num_threads(1)
        self.root = root
        self.manifest = manifest
        self._segments: dict[str, Segment] = {}
        self._docs: dict[str, DocRecord] = {}
        self._by_source: dict[str, str] = {}
        self._log_pos: tuple[str, int] | None = None  # (log file, bytes applied)
        self._text_cache: dict[str, str] = {}  # insertion order = recency
        self._text_chars = 0
        self._docs_dir = str(root / "docs")
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
        from importlib.metadata import PackageNotFoundError, version

        def v(name):  # the installed version, without importing the package (sentence-transformers is slow)
            try:
                return version(name)
            except PackageNotFoundError:
                return None
        return {
            "format": FORMAT,
            "created": _now(), "updated": _now(),
            "versions": {"sentence_transformers": v("sentence-transformers"), "faiss": faiss.__version__,
                         "jieba": v("jieba")},
            "model": {"name": config.model, "dim": model_dim},
            "tokenizer": {"name": "jieba-search", "bigrams": config.use_bigrams,
                          "user_dict": str(config.user_dict) if config.user_dict else None},
            "chunking": {"max_chars": config.chunk_chars, "overlap_chars": config.chunk_overlap_chars},
            "segments": [], "next_segment": 1,
            "documents_log": {"file": None, "bytes": 0, "lines": 0, "next": 1},
            "counts": {"documents": 0, "chunks": 0},
        }

    @staticmethod
    def _read_manifest(root: Path) -> dict:
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{root}/manifest.json is unreadable ({e}); restore it or rebuild with rag index")
        if manifest.get("format") not in READS_FORMATS:
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

    def _load(self, fresh_segments: dict[str, Segment] | None = None) -> None:
        m = self.manifest
        log = m.get("documents_log") or {}
        if "documents" in m:  # format 1
            docs = {k: DocRecord.from_json(v) for k, v in m["documents"].items()}
            self._log_pos = None
        elif self._log_pos and self._log_pos[0] == log.get("file") and self._log_pos[1] <= log["bytes"]:
            docs = dict(self._docs)  # same log, grown: read only the new lines
            _read_log(self.root / log["file"], self._log_pos[1], log["bytes"], docs)
            self._log_pos = (log["file"], log["bytes"])
        else:
            docs = {}
            if log.get("file"):
                _read_log(self.root / log["file"], 0, log["bytes"], docs)
            self._log_pos = (log.get("file"), log.get("bytes", 0))
        segments = {}
        for sid in m["segments"]:
            segments[sid] = (self._segments.get(sid) or (fresh_segments or {}).get(sid)
                             or Segment(self.root / "segments" / sid))
        for seg in segments.values():
            seg.set_live(docs)
        self._segments, self._docs = segments, docs
        self._by_source = {s: d.id for d in docs.values() for s in d.sources}
        self._stamp = self._manifest_stamp()

    def _manifest_stamp(self):
        try:
            st = os.stat(self.root / "manifest.json")
            return (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return None

    def refresh(self, fresh_segments: dict[str, Segment] | None = None) -> bool:
        """Pick up commits made by another process; True when something changed."""
        if self._manifest_stamp() == self._stamp:
            return False
        self.manifest = self._read_manifest(self.root)
        self._load(fresh_segments)
        return True

    # ---------- reading ----------
    def document_text(self, doc_id: str) -> str:
        # Every search hit needs its chunk's text: keep recently used documents (LRU, bounded by characters);
        # reading files per hit was most of a query's search time.
        cache = self._text_cache
        text = cache.pop(doc_id, None)
        if text is None:
            with open(os.path.join(self._docs_dir, doc_id + ".txt"), encoding="utf-8") as f:
                text = f.read()
            self._text_chars += len(text)
            while self._text_chars > TEXT_CACHE_CHARS and cache:
                self._text_chars -= len(cache.pop(next(iter(cache))))
        cache[doc_id] = text  # (re)inserted last = most recently used
        return text

    def chunk_count(self) -> int:
        return int(sum(seg.n_live for seg in self._segments.values()))

    def _chunk(self, seg: Segment, row: int) -> Chunk:
        doc_id = seg.doc_ids[seg.doc_index[row]]
        start, end = int(seg.starts[row]), int(seg.ends[row])
        return Chunk(id=f"{doc_id}:{int(seg.ordinals[row])}", doc_id=doc_id,
                     text=self.document_text(doc_id)[start:end], start=start, end=end)

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        q = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        found = []
        for seg in self._segments.values():
            scores, rows = seg.search(q, k)
            found.extend(zip(scores.tolist(), [seg] * len(rows), rows.tolist()))
        found.sort(key=lambda f: -f[0])
        return [(self._chunk(seg, r), s) for s, seg, r in found[:k]]

    def bm25_search(self, terms: list[str], k: int) -> list[tuple[Chunk, float, tuple[str, ...]]]:
        segs = [s for s in self._segments.values() if s.n_live]
        hits = bm25_search([(s.bm25, s.live) for s in segs], terms, k)
        return [(self._chunk(segs[s], r), score, matched) for s, r, score, matched in hits]

    def chunk_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Optional Store method: the stored (unit) vectors of the given live chunks, so a caller can get the
        cosine of a chunk found only by BM25 without encoding it again. Unknown ids are left out."""
        out = {}
        for cid in chunk_ids:
            doc_id, _, ordinal = cid.rpartition(":")
            rec = self._docs.get(doc_id)
            seg = self._segments.get(rec.segment) if rec else None
            if seg is None or not ordinal.isdigit():
                continue
            for r in seg.rows_of(doc_id):
                if seg.ordinals[r] == int(ordinal):
                    out[cid] = np.asarray(seg.vectors[r], dtype=np.float32)
                    break
        return out

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
        self.refresh(w.fresh_segments)


class _Writer:
    def __init__(self, store: LocalStore):
        self.store = store
        self.manifest = json.loads(json.dumps(store.manifest))  # private copy until commit (no records: small)
        self.manifest.pop("documents", None)
        self.docs: dict[str, DocRecord] = dict(store._docs)  # records are replaced, never changed in place
        self.by_source: dict[str, str] = dict(store._by_source)
        self.changed: set[str] = set()  # ids put or deleted since the last commit
        # Keyed by document id (insertion order kept): a batch of 100k tiny files must not rescan a list per add.
        self.new_docs: dict[str, tuple[Document, list[Chunk], np.ndarray, list[list[str]]]] = {}
        self.fresh_segments: dict[str, Segment] = {}  # written by this writer, handed to the store
        self.dirty = False
        self.upgrade = "documents" in store.manifest

    def _put(self, rec: DocRecord) -> None:
        old = self.docs.get(rec.id)
        for s in old.sources if old else ():
            if self.by_source.get(s) == rec.id:
                del self.by_source[s]
        self.docs[rec.id] = rec
        self.by_source.update((s, rec.id) for s in rec.sources)
        self.changed.add(rec.id)
        self.dirty = True

    def _delete(self, doc_id: str) -> None:
        rec = self.docs.pop(doc_id)
        for s in rec.sources:
            if self.by_source.get(s) == doc_id:
                del self.by_source[s]
        self.changed.add(doc_id)
        self.dirty = True

    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]]) -> None:
        """Add a document (or replace the one with the same id). Its text is written now; it becomes
        visible at commit."""
        path = self.store.root / "docs" / f"{doc.id}.txt"
        if not path.exists():
            _write_atomic(path, doc.text.encode("utf-8"))
        other = self.by_source.get(doc.source)  # a source now has new content: drop it from the old doc
        if other is not None and other != doc.id:
            self._drop_source(other, doc.source)
        self.new_docs.pop(doc.id, None)  # re-added in this batch: the latest content wins, in the latest place
        self.new_docs[doc.id] = (doc, chunks, vectors, terms)
        self._put(DocRecord(
            id=doc.id, sources=[doc.source], chunks=len(chunks), chars=len(doc.text),
            encoding=doc.meta.get("encoding", "utf-8"), added=_now(), segment="(pending)",
            meta={"bytes": doc.meta.get("bytes", 0)}))

    def add_source(self, doc_id: str, source: str) -> None:
        """Same content under another name: list the name, index nothing twice."""
        other = self.by_source.get(source)
        if other is not None and other != doc_id:
            self._drop_source(other, source)
        rec = self.docs[doc_id]
        if source not in rec.sources:
            self._put(replace(rec, sources=rec.sources + [source]))

    def _drop_source(self, doc_id: str, source: str) -> None:
        rec = self.docs[doc_id]
        sources = [s for s in rec.sources if s != source]
        if sources:
            self._put(replace(rec, sources=sources))
        else:
            self._delete(doc_id)

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.docs:
            raise StoreError(f"no document '{doc_id}' in the index; see rag docs")
        self._delete(doc_id)
        self.new_docs.pop(doc_id, None)

    def remove_source(self, source: str) -> str | None:
        doc_id = self.by_source.get(source)
        if doc_id is not None:
            self._drop_source(doc_id, source)
        return doc_id

    # ---------- commit ----------
    def _new_segment_id(self) -> str:
        sid = f"s{self.manifest['next_segment']:06d}"
        self.manifest["next_segment"] += 1
        return sid

    def _segment(self, sid: str) -> Segment:
        return self.fresh_segments.get(sid) or self.store._segments.get(sid) or \
            Segment(self.store.root / "segments" / sid)

    def commit(self) -> None:
        """Make everything added or removed so far visible, atomically (the writer stays usable)."""
        root = self.store.root
        m = self.manifest
        new = [n for doc_id, n in self.new_docs.items() if doc_id in self.docs]
        if new:
            sid = self._new_segment_id()
            doc_ids, rows, vecs, terms = [], [], [], []
            for doc, chunks, vectors, chunk_terms in new:
                di = len(doc_ids)
                doc_ids.append(doc.id)
                rows.extend((di, c.start, c.end, int(c.id.rsplit(":", 1)[1])) for c in chunks)
                vecs.append(vectors)
                terms.extend(chunk_terms)
                self._put(replace(self.docs[doc.id], segment=sid))
            dim = vecs[0].shape[1]
            if m["model"].get("dim") is None:
                m["model"]["dim"] = dim
            Segment.write(root / "segments" / sid, doc_ids, rows, np.vstack(vecs), terms)
            self.fresh_segments[sid] = Segment(root / "segments" / sid)
            m["segments"].append(sid)
        self._merge_if_needed()
        m["updated"] = _now()
        m["counts"] = {"documents": len(self.docs), "chunks": sum(d.chunks for d in self.docs.values())}
        compacted = self._write_log()
        _write_atomic(root / "manifest.json", json.dumps(m, ensure_ascii=False, indent=1).encode("utf-8"))
        _fsync_dir(root)
        self._collect_garbage(sweep=compacted)
        self.new_docs, self.changed, self.dirty, self.upgrade = {}, set(), False, False

    def _write_log(self) -> bool:
        """Append the changed records to the document log (or write a fresh one when the log has grown to twice
        the live records, or on upgrade from format 1); True when a fresh log was written."""
        root, m = self.store.root, self.manifest
        log = m.setdefault("documents_log", {"file": None, "bytes": 0, "lines": 0, "next": 1})
        changed = sorted(self.changed)
        lines = [json.dumps({"put": self.docs[i].to_json()} if i in self.docs else {"del": i},
                            ensure_ascii=False) + "\n" for i in changed]
        fresh = self.upgrade or not log["file"] or log["lines"] + len(lines) > 2 * len(self.docs) + 1000
        if fresh:
            name = f"documents-{log['next']:06d}.jsonl"
            data = "".join(json.dumps({"put": d.to_json()}, ensure_ascii=False) + "\n"
                           for d in self.docs.values()).encode("utf-8")
            _write_atomic(root / name, data)
            log.update(file=name, bytes=len(data), lines=len(self.docs), next=log["next"] + 1)
            m["format"] = FORMAT
            return True
        data = "".join(lines).encode("utf-8")
        with open(root / log["file"], "r+b") as f:
            f.truncate(log["bytes"])  # drop what a crashed writer appended past the committed length
            f.seek(log["bytes"])
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        log.update(bytes=log["bytes"] + len(data), lines=log["lines"] + len(lines))
        return False

    def _plan_merges(self) -> list[list[str]]:
        """Groups of segments to merge into one each (see the module docstring)."""
        segs = [self._segment(sid) for sid in self.manifest["segments"]]
        for seg in segs:
            seg_docs = {d: r for d, r in ((d, self.docs.get(d)) for d in seg.doc_ids) if r is not None}
            seg.pending_live = sum(r.chunks for r in seg_docs.values() if r.segment == seg.id)
        dead = [s for s in segs if s.pending_live <= (1 - DEAD_RATIO_TO_MERGE) * len(s)]
        small = [s for s in segs if len(s) < FLAT_MAX_ROWS and s not in dead]
        large = [s for s in segs if len(s) >= FLAT_MAX_ROWS and s not in dead]
        groups = []
        if len(small) > SMALL_SEGMENTS_MAX or sum(s.pending_live for s in small) >= FLAT_MAX_ROWS:
            groups.append(small)
        tiers: dict[int, list[Segment]] = {}
        for s in large:
            tiers.setdefault(int(math.log(len(s) / FLAT_MAX_ROWS, MERGE_FACTOR)), []).append(s)
        groups.extend(t for t in tiers.values() if len(t) >= MERGE_FACTOR)
        for s in dead:  # rewritten: along with the small ones when they merge anyway, else alone
            if len(s) < FLAT_MAX_ROWS and groups and groups[0] is small:
                small.append(s)
            else:
                groups.append([s])
        return [[s.id for s in g] for g in groups]

    def _merge_if_needed(self) -> None:
        """Copy the live rows of each planned group into one new segment (no re-embedding, no re-tokenizing)."""
        m = self.manifest
        for group in self._plan_merges():
            sid = self._new_segment_id()
            doc_ids, rows, vecs, parts = [], [], [], []
            for old in group:
                seg = self._segment(old)
                keep_docs = [i for i, d in enumerate(seg.doc_ids) if d in self.docs and self.docs[d].segment == old]
                if not keep_docs:
                    continue
                base = len(doc_ids)
                remap = np.full(len(seg.doc_ids), -1, dtype=np.int64)
                remap[keep_docs] = np.arange(base, base + len(keep_docs))
                for i in keep_docs:
                    doc_ids.append(seg.doc_ids[i])
                    self._put(replace(self.docs[seg.doc_ids[i]], segment=sid))
                keep_rows = np.flatnonzero(np.isin(seg.doc_index, keep_docs))
                rows.append(np.stack([remap[seg.doc_index[keep_rows]], seg.starts[keep_rows],
                                      seg.ends[keep_rows], seg.ordinals[keep_rows]], axis=1))
                vecs.append(np.asarray(seg.vectors[keep_rows], dtype=np.float32))
                parts.append((seg.bm25, keep_rows))
            m["segments"] = [s for s in m["segments"] if s not in group]
            if vecs:
                Segment.write(self.store.root / "segments" / sid, doc_ids, np.vstack(rows), np.vstack(vecs),
                              SegmentBM25.merge(parts))
                self.fresh_segments[sid] = Segment(self.store.root / "segments" / sid)
                m["segments"].append(sid)

    def _collect_garbage(self, sweep: bool) -> None:
        """After the commit: delete segments, logs and texts the manifest no longer points at. Texts: those of
        documents removed by this commit, or (sweep) every unreferenced one, leftovers of crashed writers too."""
        root = self.store.root
        live_segments = set(self.manifest["segments"])
        # We hold the lock, so leftovers of a crashed writer (".…tmp") can go too.
        for folder in (root / "segments").iterdir():
            if folder.name not in live_segments:
                shutil.rmtree(folder, ignore_errors=True)
        for sid in list(self.fresh_segments):
            if sid not in live_segments:
                del self.fresh_segments[sid]
        current = self.manifest["documents_log"]["file"]
        for f in root.glob("documents-*.jsonl"):
            if f.name != current:
                f.unlink(missing_ok=True)
        if sweep:
            for f in (root / "docs").iterdir():
                if f.suffix == ".tmp" or (f.suffix == ".txt" and f.stem not in self.docs):
                    f.unlink(missing_ok=True)
        else:
            for doc_id in self.changed - self.docs.keys():
                (root / "docs" / f"{doc_id}.txt").unlink(missing_ok=True)
