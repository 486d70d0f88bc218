"""The request and response models of the HTTP API (documentation: ui/schemas.py puts them in /api/openapi.json)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    message: str = Field(description="one line saying what is wrong and what to do")
    type: str = Field(examples=["invalid_request_error"])
    code: int = Field(description="the HTTP status again")


class Error(BaseModel):
    """Every refusal of this server, whatever the route or status (OpenAI's shape)."""
    error: ErrorBody


class AskRequest(BaseModel):
    question: str = Field(examples=["市长对12345热线提出了哪些要求？"])
    top_k: int | None = Field(None, ge=1, le=50, description="passages retrieved (default: the server's)")
    history: list[str] | None = Field(None, description="earlier questions, oldest first, for follow-ups")
    length: Literal["short", "medium", "long"] | None = None
    kb: str | None = Field(None, description="knowledge base (default: the default one)")


class Citation(BaseModel):
    n: int
    doc_id: str
    source: str
    start: int
    end: int
    quote: str = Field(description="exactly text[start:end] of the document")
    score: float
    page: int | None = None


class PassageOut(BaseModel):
    doc_id: str
    source: str
    start: int
    end: int
    text: str
    score: float


class AskResponse(BaseModel):
    question: str
    answer: str = Field(description="sentences with [n] markers, or 文档中没有找到相关内容")
    abstained: bool
    citations: list[Citation]
    passages: list[PassageOut]
    timings_ms: dict[str, float]
    search_query: str | None = Field(None, description="what was searched, when a follow-up borrowed terms")


class RetrieveRequest(BaseModel):
    question: str = Field(examples=["老农贸市场改造是怎么回事？"])
    top_k: int | None = Field(None, ge=1, le=50)
    history: list[str] | None = None
    kb: str | None = None


class ScoredPassage(BaseModel):
    rank: int
    doc_id: str
    chunk_id: str
    source: str
    start: int
    end: int
    text: str
    dense: float = Field(description="cosine of question and passage")
    bm25: float = Field(description="raw BM25 score")
    bm25_norm: float = Field(description="BM25 over the best candidate's (0..1)")
    coverage: float = Field(description="share of the question's meaning units in the passage (0..1)")
    other: float = Field(description="what else fusion added (an English question's names and learned terms)")
    fused: float = Field(description="weights.dense*dense + weights.bm25*bm25_norm + weights.cover*coverage + other")
    matched: list[str]


class RetrieveResponse(BaseModel):
    """The retrieval test (命中测试)."""
    question: str
    search_query: str
    terms: list[str]
    units: list[str]
    weights: dict[str, float]
    relevance: float
    threshold: float
    abstains: bool
    reason: str
    features: dict[str, float]
    passages: list[ScoredPassage]
    timings_ms: dict[str, float]


class Document(BaseModel):
    id: str
    sources: list[str]
    chunks: int
    chars: int
    encoding: str
    added: str = Field(description="when this version was indexed (UTC)")
    version: int = Field(1, description="how many versions were uploaded under this name")
    versions: list[str] = Field(default_factory=list, description="each version's upload time, oldest first")


class DocumentPage(BaseModel):
    documents: list[Document]
    total: int
    offset: int
    limit: int


class DocumentText(Document):
    text: str


class UploadReport(BaseModel):
    job: str
    kb: str
    added: int
    updated: int = Field(description="names that held another version, now replaced")
    unchanged: int
    duplicates: int
    failed: list[str]
    chunks: int
    documents: list[Document]


class JobStatus(BaseModel):
    job: str
    kb: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    files: list[str]
    done: int
    total: int
    current: str
    url: str
    position: int | None = None
    phase: Literal["read", "embed", "write"] | None = Field(None, description="while running")
    fraction: float | None = Field(None, description="0..1 over reading, embedding and writing")
    error: str | None = None
    report: dict[str, Any] | None = None


class Deleted(BaseModel):
    deleted: str
    sources: list[str] = []


class KnowledgeBase(BaseModel):
    name: str
    documents: int
    chunks: int
    default: bool


class KnowledgeBases(BaseModel):
    kbs: list[KnowledgeBase]


class KBName(BaseModel):
    name: str = Field(examples=["通知"], description="1-100 letters, digits, Chinese, '.', '_' or '-'")


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    model: str = Field("rag-zh", description="rag-zh, or rag-zh:KB for a knowledge base")
    messages: list[ChatMessage]
    stream: bool = False
    kb: str | None = None
    top_k: int | None = None
    length: Literal["short", "medium", "long"] | None = None


class ConversationCreate(BaseModel):
    title: str = ""
    kb: str | None = Field(None, description="knowledge base for the whole conversation (default: the default)")


class ConversationTitle(BaseModel):
    title: str


class Conversation(BaseModel):
    """A saved conversation; `turns` only when one is fetched by id."""
    id: str
    title: str
    kb: str
    created: str
    updated: str
    turns: list[dict[str, Any]] | None = Field(None, description="[{n, question, answer, panel, created}]")


class Conversations(BaseModel):
    conversations: list[Conversation]


class ConversationAsk(BaseModel):
    question: str
    top_k: int | None = Field(None, ge=1, le=50)
    length: Literal["short", "medium", "long"] | None = None


class ConversationAnswer(AskResponse):
    conversation: str
    turn: int = Field(description="the answer's number in the conversation, for POST /api/feedback")


class FeedbackRequest(BaseModel):
    conversation: str
    turn: int = Field(description="1 = the conversation's first answer")
    rating: Literal["up", "down"]
    comment: str = ""


class Feedback(BaseModel):
    id: int
    conversation: str
    turn: int
    rating: Literal["up", "down"]
    comment: str
    kb: str
    question: str
    history: list[str]
    answer: str
    citations: list[Citation]
    passages: list[PassageOut]
    abstained: bool
    created: str


class FeedbackList(BaseModel):
    feedback: list[Feedback]
