"""Chunk vectors for large benchmark corpora: real ones up to a budget (cached on disk), then synthesized.

Encoding 100k chunks for real takes about an hour on 2 cores; past the budget a text gets a real chunk vector
chosen by its hash plus noise, which keeps the index's vector distribution realistic (the run reports how
many vectors were synthesized).
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

NOISE = 0.5  # synthesized vectors: a real chunk vector plus Gaussian noise of this norm (cosine ≈ 0.9 to it)


def noisy(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors near the given ones (cosine ≈ 0.9)."""
    v = vectors + NOISE * rng.standard_normal(vectors.shape).astype(np.float32) / np.sqrt(vectors.shape[1])
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


class BenchEmbedder:
    """The real Embedder for texts it has budget for; after that, a synthesized vector (a real chunk vector
    chosen by the text's hash, plus noise). Real vectors are cached on disk by text hash across runs."""

    def __init__(self, real, cache_path: Path, budget: int):
        self.real, self.cache_path, self.budget = real, cache_path, budget
        self.cache: dict[str, np.ndarray] = {}
        if cache_path.exists():
            z = np.load(cache_path, allow_pickle=False)
            self.cache = dict(zip(z["keys"].tolist(), z["vectors"], strict=True))
        self.encoded = self.cached = self.synthesized = 0
        self.encode_seconds = 0.0
        self.name = real.name

    @property
    def dimension(self):
        return self.real.dimension

    def load(self):
        self.real.load()
        return self

    def save(self):
        if self.cache:
            keys = list(self.cache)
            np.savez(self.cache_path, keys=np.array(keys), vectors=np.vstack([self.cache[k] for k in keys]))

    def encode(self, texts, progress=False):
        keys = [hashlib.sha1(t.encode()).hexdigest()[:20] for t in texts]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        real = todo[:max(0, self.budget - self.encoded)]
        if real:
            t0 = time.perf_counter()
            vecs = self.real.encode([texts[i] for i in real])
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(real)
            for i, v in zip(real, vecs, strict=True):
                self.cache[keys[i]] = v
        real_set = set(real)
        pool = None
        for i, k in enumerate(keys):
            if k in self.cache:
                out[i] = self.cache[k]
                self.cached += i not in real_set
            else:
                if pool is None:
                    pool = list(self.cache.values())
                h = int(k, 16)
                out[i] = noisy(pool[h % len(pool)][None, :], np.random.default_rng(h % 2**32))[0]
                self.synthesized += 1
        return out
