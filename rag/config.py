"""One configuration object for every stage; CLI flags and environment variables fill it in."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
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
    abstain_threshold: float = 0.35
    max_question_chars: int = 2000
    max_file_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        """Defaults, then RAG_* environment variables, then explicit overrides (None means 'not given')."""
        env = {
            "index_dir": os.environ.get("RAG_INDEX"),
            "model": os.environ.get("RAG_MODEL"),
            "user_dict": os.environ.get("RAG_USER_DICT"),
        }
        values = {k: v for k, v in {**env, **overrides}.items() if v is not None}
        for key in ("index_dir", "user_dict"):
            if key in values:
                values[key] = Path(values[key])
        return replace(cls(), **values)

    def with_(self, **changes) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
