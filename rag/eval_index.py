"""`rag eval`'s cached indexes: one per (documents, model, index settings, source of the modules that shape an
index), built once into a temporary sibling and renamed into place; a Milvus collection is filled by copying."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable

from .config import Config

# Modules whose code decides what goes into an index: a change to any of them invalidates cached indexes.
_INDEX_MODULES = ("ingest", "clean", "html_text", "normalize", "chunk", "tokenize", "stopwords", "store/local",
                  "store/local_writer", "store/segment", "store/bm25", "formats/__init__", "formats/pdf",
                  "formats/layout", "formats/docx", "formats/sheet", "formats/ocr")


class EvalError(ValueError):
    """A folder that is not an eval set; str() says what is missing."""


def fingerprint(docs: Path, config: Config) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(docs)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    settings = {"model": config.model, "chunk_chars": config.chunk_chars,
                "chunk_overlap_chars": config.chunk_overlap_chars, "bigrams": config.use_bigrams}
    h.update(json.dumps(settings, sort_keys=True).encode())
    if config.user_dict:
        h.update(Path(config.user_dict).read_bytes())
    pkg = Path(__file__).parent
    for name in _INDEX_MODULES:
        src = pkg / f"{name}.py"
        if src.exists():
            h.update(src.read_bytes())
    return h.hexdigest()[:16]


def open_index(docs: Path, config: Config, progress: Callable[[int, int, str], None] | None = None):
    """(Assistant over a cached index of `docs`, seconds the index took to build). Builds it when absent,
    into a temporary sibling that is renamed into place, so an interrupted build leaves nothing half-done."""
    from .assistant import Assistant
    key = fingerprint(docs, config)
    final = Path(config.eval_cache) / key  # content-keyed: two sets over the same documents share it
    info = final / "eval.json"
    if not info.exists():
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        # Always built into local files: the cache is a folder (whatever backend is measured), and a Milvus
        # collection is then filled from it by copying, so both backends answer from the same vectors.
        builder = Assistant(config.with_(index_dir=tmp, store="local"))
        report = builder.index([docs], progress=progress)
        if report.failed and not (report.added or report.updated):
            raise EvalError(f"nothing in {docs} could be indexed: {report.failed[0]}")
        (tmp / "eval.json").write_text(json.dumps({"docs": str(docs), "index_seconds": report.seconds,
                                                   "chunks": report.chunks}), encoding="utf-8")
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        embedder = builder.embedder  # already loaded: reuse it
    else:
        embedder = None
    if config.store == "milvus":
        _copy_to_milvus(final, config)
    assistant = Assistant(config.with_(index_dir=final), embedder=embedder)
    return assistant, json.loads(info.read_text(encoding="utf-8"))["index_seconds"]


def _copy_to_milvus(cached: Path, config: Config) -> None:
    """Fill the configured Milvus collection from the cached local index (documents already there are
    skipped, so this is a no-op on the second run). A collection holding other documents would mix them into
    the measurement: refused."""
    from .store.local import LocalStore
    from .store.milvus import MilvusStore, migrate
    local = LocalStore.open(cached, config=config.with_(store="local"))
    target = MilvusStore.open(config, create=True, model_dim=local.manifest["model"]["dim"])
    extra = {d.id for d in target.documents()} - {d.id for d in local.documents()}
    if extra:
        raise EvalError(f"Milvus collection '{target.name}' holds {len(extra)} documents that are not in the "
                        f"eval set; name an empty one with --milvus-collection")
    if target.document_count() < local.document_count():
        migrate(local, target)  # its writer refreshes the target when it closes
