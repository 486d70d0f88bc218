"""The Milvus backend, against embedded Milvus Lite (offline): same behaviour as the local backend."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from conftest import free_port, wait_until  # noqa: E402
from rag import Assistant, Config  # noqa: E402
from rag.cli import main  # noqa: E402
from rag.normalize import fold  # noqa: E402
from rag.store import IndexMismatch, StoreError, open_store  # noqa: E402
from rag.store.milvus import TEXT_PART, parse_target, term_token  # noqa: E402

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def mconfig(tmp_path) -> Config:
    return Config(index_dir=tmp_path / "index", model="test-hash", abstain_threshold=0.2, store="milvus",
                  milvus_uri=str(tmp_path / "milvus.db"), milvus_collection="t")


def test_parse_target_and_term_tokens():
    assert parse_target("milvus://db.internal:19530?collection=prod") == ("http://db.internal:19530", "prod")
    assert parse_target("milvus:///data/rag.db") == ("/data/rag.db", None)
    assert parse_target("milvus+https://h:443") == ("https://h:443", None)
    assert parse_target("./x.db?collection=a_b") == ("./x.db", "a_b")
    with pytest.raises(StoreError, match="collection=NAME"):
        parse_target("milvus://h:1?db=x")
    # one term = one token for Lite's \w+ analyzer and a cluster's whitespace analyzer alike
    assert term_token("3.5") == "3_5" and term_token("GDP") == "gdp" and term_token("江城") == "江城"


def test_config_env_picks_milvus(monkeypatch):
    monkeypatch.setenv("RAG_MILVUS_URI", "http://127.0.0.1:19530")
    monkeypatch.setenv("RAG_MILVUS_TOKEN", "root:Milvus")
    c = Config.from_env()
    assert c.store == "milvus" and c.milvus_uri == "http://127.0.0.1:19530" and c.milvus_token == "root:Milvus"
    assert Config.from_env(store="local").store == "local"


def test_search_results_slice_documents_and_long_texts_round_trip(mconfig, tmp_path):
    long = tmp_path / "long.txt"
    body = "".join(f"第{i}段讲的是编号{i}的事情，江城的市长在这里。" for i in range(1500))
    long.write_text(body, encoding="utf-8")
    assert len(body) > 2 * TEXT_PART
    a = Assistant(mconfig)
    a.index([long])
    store = a.store()
    doc = store.documents()[0]
    assert store.document_text(doc.id) == body
    for chunk, score, matched in store.bm25_search(["市长", "江城", "编号"], 50):
        assert body[chunk.start:chunk.end] == chunk.text and score > 0 and set(matched) <= {"市长", "江城", "编号"}
    vec = a.embedder.encode(["江城的市长"])[0]
    hit = store.dense_search(vec, 1)[0][0]
    stored = store.chunk_vectors([hit.id, "no-such:0"])
    assert list(stored) == [hit.id] and np.allclose(stored[hit.id], a.embedder.encode([fold(hit.text)])[0], atol=1e-5)
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from milvus_hybrid import MilvusChunks  # Milvus' own fusion, measured against fuse.py (bench/)
    chunks = MilvusChunks(store.client, store.chunks_col, store.manifest["milvus"]["dense_index"])
    for ranker in ("rrf", "weighted"):
        hits = chunks.hybrid_search(vec, ["市长", "江城"], 5, ranker, live=set(store._docs))
        assert len(hits) == 5 and set(hits) == {doc.id}
    store.keyword = "jieba"  # Milvus' jieba analyzer over the search form
    assert store.bm25_search(["江城", "市长"], 3)


def test_same_ranking_as_local_backend(config, seeds, tmp_path):
    """Migration copies vectors and terms: the Milvus backend then ranks as the local one does."""
    Assistant(config).index([seeds])
    assert main(["migrate", "--from", str(config.index_dir), "--to", f"milvus://{tmp_path}/m.db?collection=seeds"]) == 0
    local = open_store(config)
    mil = open_store(config.with_(store="milvus", milvus_uri=str(tmp_path / "m.db"), milvus_collection="seeds"))
    assert sorted((d.to_json() | {"segment": ""} for d in local.documents()), key=lambda d: d["id"]) == \
           sorted((d.to_json() | {"segment": ""} for d in mil.documents()), key=lambda d: d["id"])
    assert mil.chunk_count() == local.chunk_count()
    from rag.embed import Embedder
    emb = Embedder("test-hash")
    for q in (["市长", "江城"], ["12345", "热线"], ["农贸", "市场", "改造"]):
        lb, mb = local.bm25_search(q, 5), mil.bm25_search(q, 5)
        assert [c.id for c, _, _ in lb] == [c.id for c, _, _ in mb]
        assert np.allclose([s for _, s, _ in lb], [s for _, s, _ in mb], rtol=1e-3)
        assert [m for _, _, m in lb] == [m for _, _, m in mb]
        v = emb.encode(["".join(q)])[0]
        ld, md = local.dense_search(v, 5), mil.dense_search(v, 5)
        assert [c for c, _ in ld] == [c for c, _ in md]
    # a second migration finds everything there already
    assert main(["migrate", "--from", str(config.index_dir), "--to", f"{tmp_path}/m.db?collection=seeds"]) == 0
    q = "what did the mayor order about 12345 hotline"
    la = Assistant(config).ask(q)
    ma = Assistant(config.with_(store="milvus", milvus_uri=str(tmp_path / "m.db"), milvus_collection="seeds")).ask(q)
    assert la.text == ma.text and [c.quote for c in la.citations] == [c.quote for c in ma.citations]


def test_manifest_checked_on_open(mconfig, seeds):
    with pytest.raises(StoreError, match="rag index PATH --store milvus"):
        Assistant(mconfig).documents()
    Assistant(mconfig).index([seeds])
    with pytest.raises(IndexMismatch, match="built with model 'test-hash'"):
        Assistant(mconfig.with_(model="use-multilingual-v3")).documents()
    with pytest.raises(IndexMismatch, match="bigrams"):
        open_store(mconfig.with_(use_bigrams=False))
    with pytest.raises(StoreError, match="ending in .db"):
        open_store(mconfig.with_(milvus_uri="/tmp/not-a-lite-path"))


def test_cli_store_flags(tmp_path, seeds, capsys):
    uri = str(tmp_path / "cli.db")
    os.environ.pop("RAG_MILVUS_URI", None)
    assert main(["index", "-q", str(seeds), "--store", "milvus", "--milvus-uri", uri, "--model", "test-hash"]) == 0
    assert main(["docs", "--json", "--milvus-uri", uri, "--model", "test-hash"]) == 0
    out = capsys.readouterr().out
    assert len(json.loads(out[out.index("["):])) == 5
    assert main(["ask", "--json", "--milvus-uri", uri, "--model", "test-hash", "江城市长"]) == 0
    assert json.loads(capsys.readouterr().out)["citations"]


_APP = """
import sys, json
sys.path.insert(0, {tests!r})
import fake_model  # the test-hash model
from rag import Assistant, Config
a = Assistant(Config(model="test-hash", store="milvus", milvus_uri={uri!r}, milvus_collection="shared",
                     abstain_threshold=0.2))
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "index":
        out = len(a.index([arg]).added)
    elif cmd == "remove":
        out = a.remove(arg)
    elif cmd == "docs":
        out = sorted(d.id for d in a.documents())
    elif cmd == "ask":
        out = [c.doc_id for c in a.ask(arg).citations]
    print(json.dumps(out), flush=True)
"""


class _App:
    """One app server process (an Assistant, what `rag serve` holds), driven line by line over stdin."""

    def __init__(self, uri: str):
        self.p = subprocess.Popen([sys.executable, "-c", _APP.format(tests=str(TESTS), uri=uri)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=TESTS.parent,
                                  env={**os.environ, "GRPC_VERBOSITY": "NONE"})  # no keepalive chatter

    def __call__(self, line: str):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        assert out, f"app process died on {line!r}"
        return json.loads(out)

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=60)


def test_two_app_processes_share_one_milvus(tmp_path, seeds):
    """Milvus Lite serves one process per .db (it holds a file lock), so two app servers share it the way they
    would share a cluster: through a Milvus server, here `milvus-lite server` on a loopback port."""
    data = tmp_path / "shared.db"
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    apps = []
    try:
        def listening():
            assert server.poll() is None, "milvus-lite server exited"
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0
        wait_until(listening, timeout=60, interval=0.2, message="milvus-lite server listening")
        uri = f"http://127.0.0.1:{port}"
        # the .db itself is taken by the server: a direct open says so and how to share it
        with pytest.raises(StoreError, match="another process has it open"):
            open_store(Config(model="test-hash", store="milvus", milvus_uri=str(data), milvus_collection="shared"))
        a, b = _App(uri), _App(uri)
        apps = [a, b]
        first = sorted(seeds.glob("*"))[0]
        assert a(f"index {first}") == 1
        assert len(b("docs")) == 1  # b opened after a's commit
        assert b(f"index {seeds}") == 4  # b adds four more ...
        docs = a("docs")
        assert len(docs) == 5 and docs == b("docs")  # ... and a, already open, sees them
        cited = a("ask 江城市长")
        assert cited
        assert b(f"remove {cited[0]}") == cited[0]
        assert cited[0] not in a("docs") and cited[0] not in a("ask 江城市长")
    finally:
        for app in apps:
            app.close()
        server.terminate()
        server.wait(timeout=30)


def test_eval_on_milvus_from_an_empty_cache_equals_local(mconfig, tmp_path):
    """`rag eval --store milvus` on a cache miss: the cached index is built locally, copied into the
    collection once, and gives the local backend's figures."""
    from rag import eval as ev
    fixtures = TESTS / "fixtures" / "eval" / "zh"
    cache = tmp_path / "cache"
    local = ev.evaluate(fixtures, mconfig.with_(store="local", eval_cache=cache))
    milvus = ev.evaluate(fixtures, mconfig.with_(eval_cache=tmp_path / "other-cache"))  # a miss: builds, copies
    again = ev.evaluate(fixtures, mconfig.with_(eval_cache=tmp_path / "other-cache"))  # a hit: copies nothing
    drop = ("latency_ms_p50", "latency_ms_p95", "index_seconds")
    assert {k: v for k, v in milvus.items() if k not in drop} == {k: v for k, v in local.items() if k not in drop}
    assert {k: v for k, v in again.items() if k not in drop} == {k: v for k, v in local.items() if k not in drop}
    with pytest.raises(ev.EvalError, match="name an empty one with --milvus-collection"):
        ev.evaluate(TESTS / "fixtures" / "eval" / "other", mconfig.with_(eval_cache=tmp_path / "other-cache"))
