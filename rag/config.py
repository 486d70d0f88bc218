"""One configuration object for every stage; CLI flags and environment variables fill it in."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_MODEL = "use-multilingual-v3"


@dataclass(frozen=True)
class Config:
    index_dir: Path = Path("embeddings/index")
    # Any sentence-transformers name or local path; DEFAULT_MODEL is the bundled multilingual USE (no network).
    model: str = DEFAULT_MODEL
    device: str = "cpu"
    embed_batch_size: int = 16
    # Chunking: characters per chunk (soft limit, sentences are never cut unless one alone is longer).
    chunk_chars: int = 360
    chunk_overlap_chars: int = 80
    # Keyword side: jieba search-mode words, plus character bigrams of CJK runs.
    use_bigrams: bool = True
    user_dict: Path | None = None
    # Retrieval.
    top_k: int = 5
    candidates: int = 50
    # Answer: how many sentences at most, and how many characters in total.
    answer_sentences: int = 3
    answer_chars: int = 150
    # Below this relevance (0..1, see answer.py) we say "not found" instead of answering.
    # Calibrated on answerable vs unanswerable bench questions (README "Answer quality"): 0.23 keeps the
    # answerable questions refused at or below their level before 'not stated' existed (cmrc2018 0.0115,
    # xquad-zh 0.0475), at a cost of about one point of unanswerable recall on cmrc2018 (0.780 → 0.767).
    abstain_threshold: float = 0.23
    max_question_chars: int = 2000
    # `rag eval` keeps one index per (documents, model, index settings) here; a second run re-embeds nothing.
    eval_cache: Path = Path("embeddings/eval-cache")
    max_file_bytes: int = 64 * 1024 * 1024
    # PDFs and multi-page scans: more pages than this are refused (split the file); per-type byte limits for PDF,
    # images, Word and Excel files are in rag/formats (MAX_BYTES: PDF 200 MB).
    max_pages: int = 2000
    # Storage: "local" (files in index_dir) or "milvus" (see store/milvus.py): milvus_uri is a path ending in .db
    # (embedded Milvus Lite) or http(s)://host:19530 (a server or cluster); the token comes from RAG_MILVUS_TOKEN
    # only (a secret does not belong on a command line). milvus_keyword: BM25 over our terms or Milvus' jieba.
    store: str = "local"
    milvus_uri: str = "embeddings/milvus.db"
    milvus_collection: str = "rag"
    milvus_token: str | None = None
    milvus_keyword: str = "terms"

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        """Defaults, then RAG_* environment variables, then explicit overrides (None means 'not given')."""
        env = {
            "index_dir": os.environ.get("RAG_INDEX"),
            "model": os.environ.get("RAG_MODEL"),
            "user_dict": os.environ.get("RAG_USER_DICT"),
            "store": os.environ.get("RAG_STORE"),
            "milvus_uri": os.environ.get("RAG_MILVUS_URI"),
            "milvus_collection": os.environ.get("RAG_MILVUS_COLLECTION"),
            "milvus_token": os.environ.get("RAG_MILVUS_TOKEN"),
        }
        values = {k: v for k, v in env.items() if v is not None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "milvus_uri" in values and "store" not in values:  # naming a Milvus means using it
            values["store"] = "milvus"
        for key in ("index_dir", "user_dict"):
            if key in values:
                values[key] = Path(values[key])
        return replace(cls(), **values)

    def with_(self, **changes) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
