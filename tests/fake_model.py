"""A deterministic fake embedding model for tests, registered as "test-hash".

Run as a script it is the `rag` command with that model available, so tests can drive real processes:
    python tests/fake_model.py index DIR --index IDX
"""
import hashlib
import os
import sys

import numpy as np

from rag.embed import StringModule, register_model


class HashEmbedding(StringModule):
    """Deterministic fake model for unit tests: hashed character unigrams and bigrams, L2-normalized.
    Texts that share characters get a high cosine, so retrieval tests mean something."""

    dimension = 64

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            grams = list(t) + [t[j:j + 2] for j in range(len(t) - 1)]
            for g in grams:
                if g.strip():
                    h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                    out[i, h % self.dimension] += 1.0 if h & 1 << 31 else -1.0
            out[i] /= np.linalg.norm(out[i]) or 1.0
        return out


register_model("test-hash", lambda: [HashEmbedding()])

if __name__ == "__main__":
    from rag.cli import main
    os.environ.setdefault("RAG_MODEL", "test-hash")
    sys.exit(main())
