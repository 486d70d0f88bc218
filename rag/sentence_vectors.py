"""Sentence vectors for the answer composer, cached by folded text: the same passages come back for related
questions, and embedding is the costly step of composing (~10 ms a sentence on 2 cores)."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from .embed import Embedder


class _VectorCache:
    """Sentence vectors by folded text (LRU): the same passages come back for related questions."""

    def __init__(self, size: int = 20000):
        self.size, self.data = size, OrderedDict()
        self.lock = threading.Lock()  # the UI and the HTTP API ask from several threads

    def get(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        key = embedder.name
        with self.lock:
            found = {t: self.data[(key, t)] for t in texts if (key, t) in self.data}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, embedder.encode(missing), strict=True))
        with self.lock:
            for t in dict.fromkeys(texts):
                self.data[(key, t)] = found[t]
                self.data.move_to_end((key, t))
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


cache = _VectorCache()
