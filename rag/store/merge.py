"""When and how segments merge: by tiers, so one commit never copies much.

Small segments (searched exactly) merge together when there are too many or they add up to FLAT_MAX_ROWS;
large ones (IVF) merge when MERGE_FACTOR of them share a size tier (×4 steps); any segment with too many dead
rows is rewritten. A merge copies live rows (vectors, offsets, BM25 columns): nothing is re-embedded or
re-tokenized.
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from .bm25 import SegmentBM25
from .book import RecordBook
from .segment import FLAT_MAX_ROWS, Segment

SMALL_SEGMENTS_MAX = 8   # more small segments than this: merge them into one
MERGE_FACTOR = 4         # this many large segments in one size tier: merge them
DEAD_RATIO_TO_MERGE = 0.3


def _live_rows(seg: Segment, book: RecordBook) -> int:
    return sum(r.chunks for r in (book.docs.get(d) for d in seg.doc_ids) if r is not None and r.segment == seg.id)


def plan(segments: list[Segment], book: RecordBook) -> list[list[str]]:
    """Groups of segment ids to merge into one each."""
    live = {s.id: _live_rows(s, book) for s in segments}
    dead = [s for s in segments if live[s.id] <= (1 - DEAD_RATIO_TO_MERGE) * len(s)]
    small = [s for s in segments if len(s) < FLAT_MAX_ROWS and s not in dead]
    large = [s for s in segments if len(s) >= FLAT_MAX_ROWS and s not in dead]
    groups = []
    if len(small) > SMALL_SEGMENTS_MAX or sum(live[s.id] for s in small) >= FLAT_MAX_ROWS:
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


def merge(folder: Path, group: list[Segment], book: RecordBook) -> Segment | None:
    """Copy the live rows of `group` into a new segment at `folder` and move their records to it; None when
    nothing in the group is alive."""
    sid = folder.name
    doc_ids, rows, vecs, parts = [], [], [], []
    for seg in group:
        keep_docs = [i for i, d in enumerate(seg.doc_ids) if d in book.docs and book.docs[d].segment == seg.id]
        if not keep_docs:
            continue
        base = len(doc_ids)
        remap = np.full(len(seg.doc_ids), -1, dtype=np.int64)
        remap[keep_docs] = np.arange(base, base + len(keep_docs))
        for i in keep_docs:
            doc_ids.append(seg.doc_ids[i])
            book.put(replace(book.docs[seg.doc_ids[i]], segment=sid))
        keep_rows = np.flatnonzero(np.isin(seg.doc_index, keep_docs))
        rows.append(np.stack([remap[seg.doc_index[keep_rows]], seg.starts[keep_rows],
                              seg.ends[keep_rows], seg.ordinals[keep_rows]], axis=1))
        vecs.append(np.asarray(seg.vectors[keep_rows], dtype=np.float32))
        parts.append((seg.bm25, keep_rows))
    if not vecs:
        return None
    Segment.write(folder, doc_ids, np.vstack(rows), np.vstack(vecs), SegmentBM25.merge(parts))
    return Segment(folder)
