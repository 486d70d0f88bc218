"""Question answering over Chinese documents with exact, sentence-level citations."""
# The names load on first use (PEP 562): `python -m rag ask --server …` and `rag --help` must not pay for the
# index and model libraries (numpy, faiss, scipy, onnxruntime) that `from .assistant import …` would import.
_WHERE = {"Assistant": "assistant", "IndexReport": "assistant", "QuestionError": "assistant", "Config": "config",
          "Answer": "records", "Chunk": "records", "Citation": "records", "Document": "records",
          "Passage": "records"}

__all__ = ["Answer", "Assistant", "Chunk", "Citation", "Config", "Document", "IndexReport", "Passage",
           "QuestionError"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
