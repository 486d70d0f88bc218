"""OpenAPI request and response schemas of the main routes, for /api/docs and generated clients.

Why beside the routes rather than in their signatures: the routes read their bodies themselves (one-line errors
in our JSON shape, a JSON body refused with a sentence, not a pydantic list), so the schemas are documentation.
`install_openapi` adds them to the generated document by path and method; the tests check that every documented
route exists, so the two cannot drift apart unnoticed.
"""
from __future__ import annotations

from pydantic import BaseModel

from .api_models import (  # noqa: F401  (re-exported: the models live there, the routes' table here)
    AskRequest,
    AskResponse,
    ChatMessage,
    ChatRequest,
    Citation,
    Conversation,
    ConversationAnswer,
    ConversationAsk,
    ConversationCreate,
    Conversations,
    ConversationTitle,
    Deleted,
    Document,
    DocumentPage,
    DocumentText,
    Error,
    ErrorBody,
    Feedback,
    FeedbackList,
    FeedbackRequest,
    JobStatus,
    KBName,
    KnowledgeBase,
    KnowledgeBases,
    PassageOut,
    RetrieveRequest,
    RetrieveResponse,
    ScoredPassage,
    UploadReport,
)

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
    ("/api/conversations", "get"): (None, {200: Conversations}),
    ("/api/conversations", "post"): (ConversationCreate, {201: Conversation}),
    ("/api/conversations/{cid}", "get"): (None, {200: Conversation}),
    ("/api/conversations/{cid}", "patch"): (ConversationTitle, {200: Conversation}),
    ("/api/conversations/{cid}", "delete"): (None, {200: Deleted}),
    ("/api/conversations/{cid}/ask", "post"): (ConversationAsk, {200: ConversationAnswer}),
    ("/api/feedback", "post"): (FeedbackRequest, {201: Feedback}),
    ("/api/feedback", "get"): (None, {200: FeedbackList}),
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
