"""Embedding 1,024 seed chunks in slices of 256 vs 32 (the default model): does watching progress cost speed?"""
import time
from pathlib import Path

from rag.chunk import chunk_document
from rag.config import Config
from rag.embed import Embedder
from rag.ingest import load
from rag.normalize import fold

config = Config.from_env()
emb = Embedder(config.model, config.device, config.embed_batch_size)
texts = [fold(c.text) for p in sorted(Path("seeds").glob("*.txt")) for c in chunk_document(load(p), 360, 80)]
texts = (texts * 20)[:1024]
emb.encode(texts[:32])
for step in (256, 32, 256, 32):
    t0 = time.perf_counter()
    for lo in range(0, len(texts), step):
        emb.encode(texts[lo:lo + step], False)
    print(f"slice {step}: {time.perf_counter() - t0:.2f} s for {len(texts)} chunks")
