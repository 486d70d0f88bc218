"""One immutable batch of chunks on disk, and the live view a snapshot searches.

    segments/<id>/  chunks.npz (doc, start, end, ordinal per row), vectors.npy, bm25.npz + bm25_vocab.json,
                    docs.json (the segment's document ids), dense.faiss for large segments (IVF)

A `Segment` never changes once written. Which of its rows are alive depends on the document records of a
snapshot, so that lives in a `LiveSegment`: a reader holding an old snapshot keeps its own mask while a
writer publishes a new one.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import zipfile
from pathlib import Path

import faiss
import numpy as np

from .base import DocRecord, StoreError
from .bm25 import SegmentBM25

FLAT_MAX_ROWS = 20_000   # below: exact search (IndexFlatIP); at or above: IVF
# IVF lists searched per query: an eighth of them, but no more than ~NPROBE_ROWS rows' worth. Measured (bench/):
# recall@50 vs exact 0.996 at 100k (79 of 632 lists), 0.999 at 1M (5 segments × 56 of 894 lists).
NPROBE_SHARE = 1 / 8
NPROBE_ROWS = 12_500


def fsync_dir(path: Path) -> None:
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
        try:
            self._load(folder)
        except FileNotFoundError:
            raise  # a newer commit merged it away: the caller reloads the manifest
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, RuntimeError) as e:
            raise StoreError(f"segment {folder} is damaged ({type(e).__name__}: {str(e)[:120]}); "
                             f"run rag check --repair") from None

    def _load(self, folder: Path) -> None:
        self.doc_ids: list[str] = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        self.doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        z = np.load(folder / "chunks.npz", allow_pickle=False)
        self.doc_index, self.starts, self.ends = z["doc"], z["start"], z["end"]
        self.ordinals = z["ordinal"]
        self.vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        self.bm25 = SegmentBM25.load(folder)
        n = len(self.starts)
        if not (len(self.doc_index) == len(self.ends) == len(self.ordinals) == len(self.vectors) == n
                and self.bm25.matrix.shape[0] == n):
            raise ValueError("its files disagree on the number of rows")
        if n and (int(self.doc_index.max()) >= len(self.doc_ids) or int(self.doc_index.min()) < 0):
            raise ValueError("chunks.npz points at documents docs.json does not list")
        if (folder / "dense.faiss").exists():
            self.index = faiss.read_index(str(folder / "dense.faiss"))
            share = min(NPROBE_SHARE, NPROBE_ROWS / max(n, 1))
            self.nprobe = max(1, math.ceil(self.index.nlist * share))
        else:
            self.index = faiss.IndexFlatIP(self.vectors.shape[1])
            self.nprobe = 0
            if n:
                self.index.add(np.ascontiguousarray(self.vectors, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.starts)

    def rows_of(self, doc_id: str) -> range:
        i = self.doc_pos.get(doc_id)
        if i is None:
            return range(0)
        return range(int(np.searchsorted(self.doc_index, i, "left")), int(np.searchsorted(self.doc_index, i, "right")))

    def live_mask(self, documents: dict[str, DocRecord]) -> np.ndarray:
        """Rows whose document is recorded as living in this segment."""
        doc_live = np.array([(d in documents and documents[d].segment == self.id) for d in self.doc_ids], dtype=bool)
        return doc_live[self.doc_index] if len(self.doc_index) else np.zeros(0, dtype=bool)

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
        fsync_dir(folder.parent)


class LiveSegment:
    """A segment as one snapshot sees it: its live rows and the FAISS search parameters that skip the dead."""

    def __init__(self, seg: Segment, live: np.ndarray):
        self.seg, self.live, self.n_live = seg, live, int(live.sum())
        self._params = None

    @classmethod
    def of(cls, seg: Segment, documents: dict[str, DocRecord], previous: LiveSegment | None) -> LiveSegment:
        live = seg.live_mask(documents)
        if previous is not None and previous.seg is seg and np.array_equal(previous.live, live):
            return previous  # unchanged: keep its search parameters
        return cls(seg, live)

    def __getattr__(self, name):  # the segment's data (doc_ids, starts, vectors, bm25, nprobe, ...)
        return getattr(self.seg, name)

    def __len__(self) -> int:
        return len(self.seg)

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the best k live rows."""
        k = min(k, self.n_live)
        if k <= 0:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        params = self._params
        if params is None:
            sel, bits = None, None
            if self.n_live < len(self):  # skip dead rows inside the search, not by over-fetching
                bits = np.packbits(self.live, bitorder="little")
                sel = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))
            p = (faiss.SearchParametersIVF(sel=sel, nprobe=self.seg.nprobe) if self.seg.nprobe
                 else faiss.SearchParameters(sel=sel))
            params = self._params = (p, sel, bits)  # the selector reads `bits`: keep them alive together
        scores, rows = self.seg.index.search(q, k, params=params[0])
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]
