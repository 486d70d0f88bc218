"""Question answering over Chinese documents with exact, sentence-level citations."""
from .assistant import Assistant, IndexReport, QuestionError
from .config import Config
from .records import Answer, Chunk, Citation, Document, Passage

__all__ = ["Answer", "Assistant", "Chunk", "Citation", "Config", "Document", "IndexReport", "Passage",
           "QuestionError"]
