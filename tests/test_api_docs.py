"""The API describes itself offline (/api/docs from local files, request and response schemas) and every error,
whatever the route or the mistake, has the one JSON shape."""
import re

import pytest
from fastapi.testclient import TestClient

from rag.config import Config
from ui.app import create_app
from ui.schemas import ROUTES
from ui.service import Service


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    config = Config(index_dir=tmp_path_factory.mktemp("docs") / "index", model="test-hash")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RAG_API_TOKEN", raising=False)
        service = Service(config)
    with TestClient(create_app(service), raise_server_exceptions=False) as c:  # Gradio mounted at /
        yield c


def shape(r, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "code"}, body
    assert body["error"]["code"] == status and "\n" not in body["error"]["message"]
    return body["error"]["message"]


def test_docs_page_uses_only_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(u.startswith("/api/docs/assets/") for u in urls), urls
    assert "cdn" not in page.text.lower() and "validatorUrl\": null" in page.text
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200 and len(r.content) > 500, url
    assert "Apache License" in client.get("/api/docs/assets/LICENSE").text
    shape(client.get("/api/docs/assets/../../app.py"), 404)


def test_openapi_has_request_and_response_schemas(client):
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for (path, method), (request, responses) in ROUTES.items():
        op = spec["paths"][path][method]  # every documented route exists
        if request is not None:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/" + request.__name__) and request.__name__ in schemas
        for status, model in responses.items():
            assert op["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"].endswith(
                "/" + model.__name__)
        assert op["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "question" in schemas["AskRequest"]["required"] and "quote" in schemas["Citation"]["properties"]
    assert "multipart/form-data" in spec["paths"]["/api/documents"]["post"]["requestBody"]["content"]
    assert "422" not in str([op["responses"].keys() for ops in spec["paths"].values() for op in ops.values()])
    assert "HTTPValidationError" not in schemas


def test_every_error_has_the_json_shape(client):
    assert "no route /api/nope" in shape(client.get("/api/nope"), 404)
    shape(client.post("/v1/nothing", json={}), 404)
    r = client.get("/api/ask")
    assert "use POST" in shape(r, 405) and r.headers["allow"] == "POST"
    r = client.put("/api/kbs")
    assert shape(r, 405) and r.headers["allow"] == "GET, POST"
    shape(client.get("/v1/chat/completions"), 405)
    assert "limit" in shape(client.get("/api/documents", params={"limit": "abc"}), 400)
    assert "wait" in shape(client.post("/api/documents", params={"wait": "maybe"}), 400)
    assert "JSON" in shape(client.post("/api/ask", content=b"{", headers={"content-type": "application/json"}), 400)
    shape(client.get("/api/jobs/nope"), 404)
    shape(client.get("/api/documents/nope"), 404)
    assert client.get("/").status_code == 200  # the UI is still at /
    assert "no route /nothing/here" in shape(client.get("/nothing/here"), 404)  # Gradio's bare 404 too
    shape(client.get("/gradio_api/nope"), 404)
