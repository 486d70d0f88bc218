"""Connecting to Milvus and creating an index's two collections (see milvus.py for the layout)."""
from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from .base import IndexMismatch, StoreError, now

FORMAT = 1
K1, B = 1.2, 0.75  # as the local backend's BM25 (store/bm25.py)
MANIFEST_PK = "@manifest"
MAX_VARCHAR = 65_535


def parse_target(target: str) -> tuple[str, str | None]:
    """`milvus://host:19530[?collection=NAME]`, `milvus:///path/x.db[?collection=NAME]`, a plain Milvus URI
    (`http://…`, `https://…`, a path ending in .db) → (pymilvus URI, collection name or None)."""
    uri, _, query = target.partition("?")
    collection = None
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        if key != "collection" or not value:
            raise StoreError(f"'{target}': the only option after '?' is collection=NAME")
        collection = value
    if uri.startswith("milvus+https://"):
        uri = "https://" + uri[len("milvus+https://"):]
    elif uri.startswith("milvus://"):
        rest = uri[len("milvus://"):]
        uri = rest if rest.startswith(("/", ".")) or rest.endswith(".db") else "http://" + rest
    return uri, collection


def is_lite_path(uri: str) -> bool:
    return "://" not in uri


def connect(uri: str, token: str | None):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreError("the Milvus backend needs pymilvus (and milvus-lite for a .db path): "
                         "pip install 'rag-zh[milvus]'") from None
    # pymilvus logs every failed call with a traceback; we turn failures into one-line StoreErrors instead.
    logging.getLogger("pymilvus.decorators").setLevel(logging.CRITICAL)
    options = {}
    if is_lite_path(uri):
        if not uri.endswith(".db"):
            raise StoreError(f"'{uri}' is neither http(s)://host:port nor a Milvus Lite path ending in .db")
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
        import jieba  # Lite's jieba analyzer runs in this process: no "Building prefix dict" chatter
        jieba.setLogLevel(logging.WARNING)
        # pymilvus pings every 10 s; Lite's in-process gRPC server allows one per 5 minutes and answers
        # more with GOAWAY "too_many_pings" (logged, then reconnected).
        options = {"grpc_options": {"grpc.keepalive_time_ms": 300_000}}
    try:
        return MilvusClient(uri=uri, token=token or "", timeout=30, **options)
    except Exception as e:
        if is_lite_path(uri) and (Path(uri) / "LOCK").exists():
            raise StoreError(
                f"cannot open Milvus Lite at {uri}: another process has it open (Lite serves one process). "
                f"To share it, run `milvus-lite server --data-dir {uri} --port 19530` and use "
                f"--milvus-uri http://127.0.0.1:19530") from None
        raise StoreError(f"cannot connect to Milvus at {uri}: {reason(e)}") from None

def is_lite(client) -> bool:
    try:
        return "lite" in str(client.get_server_version()).lower()
    except Exception:
        return False

def create(client, name: str, config, dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType
    lite = is_lite(client)
    terms_analyzer = "standard" if lite else "whitespace"  # Lite has no whitespace tokenizer; see term_token
    dense = ({"index_type": "FLAT", "params": {}} if lite else
             {"index_type": "HNSW", "params": {"M": 16, "efConstruction": 200}})
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=128)
    s.add_field("doc_id", DataType.VARCHAR, max_length=64)
    s.add_field("ordinal", DataType.INT64)
    s.add_field("char_start", DataType.INT64)
    s.add_field("char_end", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
    s.add_field("terms", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                analyzer_params={"tokenizer": terms_analyzer})
    s.add_field("search", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                analyzer_params={"tokenizer": "jieba"})
    s.add_field("terms_bm25", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("search_bm25", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    s.add_function(Function(name="terms_to_bm25", function_type=FunctionType.BM25,
                            input_field_names=["terms"], output_field_names=["terms_bm25"]))
    s.add_function(Function(name="search_to_bm25", function_type=FunctionType.BM25,
                            input_field_names=["search"], output_field_names=["search_bm25"]))
    ip = client.prepare_index_params()
    ip.add_index("vector", index_type=dense["index_type"], metric_type="IP", params=dense["params"])
    bm25 = {"bm25_k1": K1, "bm25_b": B}
    for field in ("terms_bm25", "search_bm25"):
        # pymilvus flattens `params` into the request; Milvus Lite 3.2 reads only a nested "params" JSON
        # (the older wire form, which a server reads too) and would silently keep its k1=1.5.
        ip.add_index(field, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"params": bm25} if lite else bm25)
    d = client.create_schema(auto_id=False, enable_dynamic_field=False)
    d.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=128)
    d.add_field("doc_id", DataType.VARCHAR, max_length=64)
    d.add_field("kind", DataType.VARCHAR, max_length=16)
    d.add_field("part", DataType.INT64)
    d.add_field("info", DataType.VARCHAR, max_length=MAX_VARCHAR)
    d.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
    d.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    dp = client.prepare_index_params()
    dp.add_index("v", index_type="FLAT", metric_type="IP")
    try:
        # Strong consistency: an app server must see the commit another one just made.
        client.create_collection(f"{name}_chunks", schema=s, index_params=ip, consistency_level="Strong")
        client.create_collection(f"{name}_docs", schema=d, index_params=dp, consistency_level="Strong")
    except Exception as e:
        if not client.has_collection(f"{name}_docs"):  # not just another process creating it at once
            raise StoreError(f"cannot create the Milvus index '{name}': {reason(e)}") from None
    if not client.get(f"{name}_docs", ids=[MANIFEST_PK], output_fields=["pk"]):
        import jieba
        manifest = {
            "format": FORMAT, "created": now(), "updated": now(), "generation": uuid.uuid4().hex,
            "versions": {"jieba": jieba.__version__, "server": str(client.get_server_version())},
            "model": {"name": config.model, "dim": dim},
            "tokenizer": {"name": "jieba-search", "bigrams": config.use_bigrams,
                          "user_dict": str(config.user_dict) if config.user_dict else None},
            "chunking": {"max_chars": config.chunk_chars, "overlap_chars": config.chunk_overlap_chars},
            "milvus": {"terms_analyzer": terms_analyzer, "dense_index": dense["index_type"],
                       "bm25": {"k1": K1, "b": B}},
            "counts": {"documents": 0, "chunks": 0},
        }
        client.upsert(f"{name}_docs", [docs_row(MANIFEST_PK, "", "manifest", 0, info=manifest)])

def read_manifest(client, name: str, where: str) -> dict:
    rows = client.get(f"{name}_docs", ids=[MANIFEST_PK], output_fields=["info"])
    if not rows:
        raise StoreError(f"the Milvus index {where} has no manifest row; drop its collections "
                         f"({name}_chunks, {name}_docs) and rebuild it with rag index")
    manifest = json.loads(rows[0]["info"])
    if manifest.get("format") != FORMAT:
        raise IndexMismatch(f"the Milvus index {where} has format {manifest.get('format')}, this version "
                            f"reads {FORMAT}; rebuild it into another collection (--milvus-collection)")
    return manifest


def reason(e: Exception) -> str:
    return str(getattr(e, "message", "") or e).splitlines()[0][:300]


def docs_row(pk: str, doc_id: str, kind: str, part: int, info: dict | None = None, text: str = "") -> dict:
    return {"pk": pk, "doc_id": doc_id, "kind": kind, "part": part, "text": text, "v": [1.0, 0.0],
            "info": json.dumps(info, ensure_ascii=False) if info is not None else ""}
