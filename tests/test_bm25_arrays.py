"""BM25 segment arrays (numpy only): postings, merges and row bags agree with counting the terms directly."""
import random
import subprocess
import sys
from collections import Counter

import numpy as np

from rag.store.bm25 import SegmentBM25, search


def _bags(n, seed):
    rnd = random.Random(seed)
    vocab = [f"词{i}" for i in range(60)] + ["12345", "GDP"]
    return [[rnd.choice(vocab) for _ in range(rnd.randint(0, 25))] for _ in range(n)]


def test_postings_are_the_term_counts_in_ascending_rows():
    bags = _bags(200, 1)
    bm = SegmentBM25.build(bags)
    live = np.ones(len(bags), dtype=bool)
    live[::5] = False
    for term in ("词3", "12345", "GDP", "不在"):
        rows, tf = bm.postings(term, live)
        want = [(r, b.count(term)) for r, b in enumerate(bags) if term in b and live[r]]
        assert list(zip(rows.tolist(), tf.tolist(), strict=True)) == want


def test_merge_keeps_the_bags_of_the_kept_rows_and_drops_unused_terms():
    a, b = _bags(120, 2), _bags(80, 3)
    keep_a, keep_b = np.flatnonzero(np.arange(120) % 3 == 1), np.array([0, 5, 79])
    merged = SegmentBM25.merge([(SegmentBM25.build(a), keep_a), (SegmentBM25.build(b), keep_b)])
    kept = [a[i] for i in keep_a] + [b[i] for i in keep_b]
    got = merged.rows_terms(np.arange(len(kept)))
    assert [Counter(g) for g in got] == [Counter(k) for k in kept]
    assert set(merged.vocab) == {t for bag in kept for t in bag}
    assert merged.lengths.tolist() == [len(k) for k in kept]
    # searching the merged segment ranks exactly as a segment built from the kept bags
    q = ["词7", "GDP", "词7"]
    built = SegmentBM25.build(kept)
    live = np.ones(len(kept), dtype=bool)
    assert [(r, round(s, 5)) for _, r, s, _ in search([(merged, live)], q, 10)] == \
        [(r, round(s, 5)) for _, r, s, _ in search([(built, live)], q, 10)]


def test_the_store_does_not_import_scipy():
    code = "import sys, rag.store.local, rag.store.bm25; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
