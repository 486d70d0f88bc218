"""OpenAPI request and response schemas of the main routes, for /api/docs and generated clients.

Why beside the routes rather than in their signatures: the routes read their bodies themselves (one-line errors
in our JSON shape, a JSON body refused with a sentence, not a pydantic list), so the schemas are documentation.
`install_openapi` adds them to the generated document by path and method; the tests check that every documented
route exists, so the two cannot drift apart unnoticed.
"""
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
    fused: float = Field(description="weights.dense*dense + weights.bm25*bm25_norm + weights.cover*coverage")
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


# (path, method) → (request model or None, {status: response model}); errors are added to every one.
ROUTES: dict[tuple[str, str], tuple[type[BaseModel] | None, dict[int, type[BaseModel]]]] = {
    ("/api/ask", "post"): (AskRequest, {200: AskResponse}),
    ("/api/retrieve", "post"): (RetrieveRequest, {200: RetrieveResponse}),
    ("/api/documents", "get"): (None, {200: DocumentPage}),
    ("/api/documents", "post"): (None, {200: UploadReport, 202: JobStatus}),
    ("/api/documents/{doc_id}", "get"): (None, {200: DocumentText}),
    ("/api/documents/{doc_id}", "delete"): (None, {200: Deleted}),
    ("/api/jobs/{job_id}", "get"): (None, {200: JobStatus}),
    ("/api/kbs", "get"): (None, {200: KnowledgeBases}),
    ("/api/kbs", "post"): (KBName, {201: KnowledgeBase}),
    ("/api/kbs/{name}", "patch"): (KBName, {200: KnowledgeBase}),
    ("/api/kbs/{name}", "delete"): (None, {200: Deleted}),
    ("/v1/chat/completions", "post"): (ChatRequest, {}),
}
def document(path: str, method: str, request: type[BaseModel] | None, responses: dict[int, type[BaseModel]]):
    """Register the schemas of a route defined elsewhere."""
    ROUTES[(path, method)] = (request, responses)


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _add(components: dict, model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components.setdefault(name, sub)
    components[model.__name__] = schema


def install_openapi(app) -> None:
    """Replace app.openapi with one that adds the schemas above (built once, then cached by FastAPI)."""
    from fastapi.openapi.utils import get_openapi

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        _add(components, Error)
        for (path, method), (request, responses) in ROUTES.items():
            op = spec.get("paths", {}).get(path, {}).get(method)
            if op is None:
                continue
            if request is not None:
                _add(components, request)
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(request)}}}
            out = op.setdefault("responses", {})
            out.pop("422", None)  # never sent: bad parameters are 400 with the error shape
            for status, model in responses.items():
                _add(components, model)
                out[str(status)] = {"description": model.__doc__ or model.__name__,
                                    "content": {"application/json": {"schema": _ref(model)}}}
            for status, what in ((400, "a bad request or parameter"), (401, "missing or wrong API token"),
                                 (404, "no such document, job or knowledge base")):
                out.setdefault(str(status), {"description": what,
                                             "content": {"application/json": {"schema": _ref(Error)}}})
        upload = spec.get("paths", {}).get("/api/documents", {}).get("post")
        if upload is not None:
            upload["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["files"], "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "kb": {"type": "string", "description": "knowledge base (or ?kb=)"}}}}}}
        for ops in spec.get("paths", {}).values():
            for op in ops.values():
                op.get("responses", {}).pop("422", None)
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
