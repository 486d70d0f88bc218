"""BM25 over one segment of chunks, stored as plain arrays (a term-column sparse matrix), no pickle.

Segments are immutable; corpus statistics (N, average length, document frequency) are computed at query
time over the rows still alive in every segment, so removing a document needs no rewrite.

The matrix is kept as its three arrays (`TermColumns`, the layout of a scipy CSC matrix and of the files)
and built, merged and read with numpy alone: importing scipy.sparse cost 0.1–0.2 s of every `rag ask` and
`rag index` start for a constructor and two conversions.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class TermColumns:
    """Term frequencies, column by column (CSC): term j occurs in rows indices[indptr[j]:indptr[j + 1]]
    (ascending) with counts data[...]."""
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def from_entries(cls, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]
                     ) -> "TermColumns":
        """From (row, column, count) entries, each (row, column) at most once."""
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        order = np.lexsort((rows, cols))  # by column, then row: postings() relies on ascending rows
        indptr = np.zeros(shape[1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(cols, minlength=shape[1]), out=indptr[1:])
        return cls(np.asarray(vals, dtype=np.float32)[order], rows[order].astype(np.int32), indptr,
                   (int(shape[0]), int(shape[1])))

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, counts) of every entry, column by column."""
        cols = np.repeat(np.arange(self.shape[1], dtype=np.int64), np.diff(self.indptr))
        return self.indices.astype(np.int64), cols, self.data


class SegmentBM25:
    def __init__(self, vocab: list[str], matrix: TermColumns, lengths: np.ndarray):
        self.vocab = vocab
        self.term_id = {t: i for i, t in enumerate(vocab)}
        self.matrix = matrix  # rows = chunks, columns = terms, values = term frequency
        self.lengths = lengths.astype(np.float32)
        self._by_row: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(cls, chunk_terms: list[list[str]]) -> "SegmentBM25":
        term_id: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for r, ts in enumerate(chunk_terms):
            for t, c in Counter(ts).items():
                rows.append(r)
                cols.append(term_id.setdefault(t, len(term_id)))
                vals.append(c)
        matrix = TermColumns.from_entries(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64),
                                          np.array(vals, dtype=np.float32), (len(chunk_terms), len(term_id)))
        lengths = np.array([len(ts) for ts in chunk_terms], dtype=np.float32)
        return cls(list(term_id), matrix, lengths)

    def save(self, folder: Path) -> None:
        (folder / "bm25_vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        m = self.matrix
        np.savez(folder / "bm25.npz", data=m.data, indices=m.indices, indptr=m.indptr,
                 shape=np.array(m.shape), lengths=self.lengths)

    @classmethod
    def load(cls, folder: Path) -> "SegmentBM25":
        vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        z = np.load(folder / "bm25.npz", allow_pickle=False)
        shape = tuple(int(v) for v in z["shape"])
        return cls(vocab, TermColumns(z["data"], z["indices"], z["indptr"], shape), z["lengths"])

    @classmethod
    def merge(cls, parts: list[tuple["SegmentBM25", np.ndarray]]) -> "SegmentBM25":
        """The given rows (ascending, distinct) of several segments, in order, as one segment: columns are remapped
        to a joint vocabulary, nothing is re-tokenized, and terms no kept row uses are dropped."""
        term_id: dict[str, int] = {}
        rows, cols, vals, lengths, offset = [], [], [], [], 0
        for bm, keep in parts:
            keep = np.asarray(keep, dtype=np.int64)
            new_row = np.full(bm.matrix.shape[0], -1, dtype=np.int64)
            new_row[keep] = np.arange(len(keep))
            r, c, v = bm.matrix.entries()
            kept = new_row[r] >= 0
            r, c, v = new_row[r[kept]], c[kept], v[kept]
            used = np.unique(c)
            remap = np.full(len(bm.vocab), -1, dtype=np.int64)
            remap[used] = [term_id.setdefault(bm.vocab[j], len(term_id)) for j in used.tolist()]
            rows.append(r + offset)
            cols.append(remap[c])
            vals.append(v.astype(np.float32))
            lengths.append(bm.lengths[keep])
            offset += len(keep)
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return cls([], TermColumns.from_entries(empty, empty, np.zeros(0, np.float32), (0, 0)),
                       np.zeros(0, dtype=np.float32))
        matrix = TermColumns.from_entries(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
                                          (offset, len(term_id)))
        return cls(list(term_id), matrix, np.concatenate(lengths))

    def rows_terms(self, rows: np.ndarray) -> list[list[str]]:
        """The bag of terms of the given rows (to merge segments without re-tokenizing)."""
        if self._by_row is None:  # the entries row by row (columns ascending within a row), once per segment
            r, c, v = self.matrix.entries()
            order = np.argsort(r, kind="stable")
            self._by_row = (r[order], c[order], v[order])
        r, c, v = self._by_row
        rows = np.asarray(rows, dtype=np.int64)
        out = []
        for lo, hi in zip(np.searchsorted(r, rows, "left").tolist(), np.searchsorted(r, rows, "right").tolist(),
                          strict=True):
            out.append([self.vocab[j] for j, n in zip(c[lo:hi].tolist(), v[lo:hi].tolist(), strict=True)
                        for _ in range(int(n))])
        return out

    def postings(self, term: str, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, tf) of live rows containing the term."""
        j = self.term_id.get(term)
        if j is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        lo, hi = self.matrix.indptr[j], self.matrix.indptr[j + 1]
        rows, tf = self.matrix.indices[lo:hi], self.matrix.data[lo:hi]
        keep = live[rows]
        return rows[keep], tf[keep]


def search(segments: list[tuple[SegmentBM25, np.ndarray]], query_terms: list[str], k: int
           ) -> list[tuple[int, int, float, tuple[str, ...]]]:
    """Top k (segment index, row, score, matched terms) over all segments' live rows."""
    n_live = sum(int(np.count_nonzero(live)) for _, live in segments)
    if not n_live or not query_terms:
        return []
    total_len = sum(float(np.dot(bm.lengths, live)) for bm, live in segments)
    avgdl = max(total_len / n_live, 1.0)
    qtf = Counter(query_terms)
    postings = {t: [bm.postings(t, live) for bm, live in segments] for t in qtf}
    scores = [np.zeros(len(live), dtype=np.float32) for _, live in segments]
    hits: dict[str, list[np.ndarray]] = {}
    for t, per_seg in postings.items():
        df = sum(len(rows) for rows, _ in per_seg)
        if not df:
            continue
        idf = math.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
        for s, (rows, tf) in enumerate(per_seg):
            if len(rows):
                norm = K1 * (1 - B + B * segments[s][0].lengths[rows] / avgdl)
                scores[s][rows] += qtf[t] * idf * tf * (K1 + 1) / (tf + norm)
        hits[t] = [rows for rows, _ in per_seg]
    candidates = []
    for s, sc in enumerate(scores):
        nz = np.flatnonzero(sc)
        if len(nz) > k:
            nz = nz[np.argpartition(-sc[nz], k - 1)[:k]]
        candidates.extend((s, int(r), float(sc[r])) for r in nz)
    candidates.sort(key=lambda c: -c[2])
    top = candidates[:k]
    # Which query terms each hit contains: one vectorized membership test per (term, segment).
    matched: list[list[str]] = [[] for _ in top]
    for s in {c[0] for c in top}:
        idx = [i for i, c in enumerate(top) if c[0] == s]
        rows = np.array([top[i][1] for i in idx])
        for t, per_seg in hits.items():
            post = per_seg[s]  # sorted rows containing t
            if len(post):
                at = np.minimum(np.searchsorted(post, rows), len(post) - 1)
                for i in np.asarray(idx)[post[at] == rows]:
                    matched[i].append(t)
    return [(s, r, score, tuple(m)) for (s, r, score), m in zip(top, matched, strict=True)]
