"""Knowledge bases (知识库): named indexes side by side, so a department's notices and another's news archive never
answer for each other.

    <index>/           the default knowledge base: the `--index` folder, exactly as before
    <index>/../kb/NAME/  every other one, a complete index folder of its own (uploads/ inside it)

One Assistant per knowledge base, all sharing one Embedder: the model is loaded once however many there are.
On Milvus the folder stays (it lists the knowledge base and keeps its uploads) and names, in milvus.json, the
collection that holds its index: a rename moves the folder and keeps the collection, a delete drops it.
Renaming moves the folder and renames the sources that lived inside it (uploaded files), through the store's own
writer, so a later upload under the same name still finds its document.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import uuid
from pathlib import Path

from .assistant import Assistant
from .config import Config
from .store import StoreError

DEFAULT = "default"
MILVUS_MAP = "milvus.json"  # kb/NAME/milvus.json: {"collection": …}, the Milvus collection of that knowledge base
# The name is a folder name: word characters (Chinese included), '.', '_', '-'; not '.' or '..'.
_NAME = re.compile(r"[\w-][\w.-]{0,99}")


class KBError(StoreError):
    """A knowledge-base request we refuse; `status` is the HTTP status, str() the one-line reason."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def check_name(name) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name.strip()):
        shown = str(name)[:40]
        raise KBError(f"知识库名称无效 (invalid knowledge-base name '{shown}'): use 1-100 letters, digits, Chinese "
                      f"characters, '.', '_' or '-', not starting with '.'")
    return name.strip()


class KnowledgeBases:
    def __init__(self, config: Config, default: Assistant | None = None):
        self.config = config
        self.default = default or Assistant(config)
        self.root = Path(config.index_dir).parent / "kb"
        self._assistants: dict[str, Assistant] = {DEFAULT: self.default}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        name = check_name(name)
        return Path(self.config.index_dir) if name == DEFAULT else self.root / name

    def exists(self, name: str) -> bool:
        return name == DEFAULT or (self.root / name).is_dir()

    def names(self) -> list[str]:
        """The default first, then the others by name."""
        others = sorted(p.name for p in self.root.iterdir() if p.is_dir() and _NAME.fullmatch(p.name)
                        and p.name != DEFAULT) if self.root.is_dir() else []
        return [DEFAULT, *others]

    def _need(self, name: str | None) -> str:
        name = DEFAULT if name in (None, "") else check_name(name)
        if not self.exists(name):
            raise KBError(f"没有这个知识库 (no knowledge base '{name}'); GET /api/kbs or `rag kb list` lists them", 404)
        return name

    def assistant(self, name: str | tuple[str, ...] | list[str] | None = None) -> Assistant:
        """The knowledge base's Assistant (made once, sharing the default's embedder); for several names one
        MultiAssistant that searches them all and fuses the passages (rag/multi_kb.py)."""
        if isinstance(name, (list, tuple)):
            names = list(dict.fromkeys(self._need(n) for n in name))
            if len(names) > 1:
                from .multi_kb import MultiAssistant
                return MultiAssistant(names, [self.assistant(n) for n in names])
            name = names[0] if names else None
        name = self._need(name)
        with self._lock:
            if name not in self._assistants:
                self._assistants[name] = Assistant(self.config_for(name), embedder=self.default.embedder)
            return self._assistants[name]

    def config_for(self, name: str) -> Config:
        """The Config whose index is knowledge base `name`: its folder, and on Milvus its own collection."""
        if name == DEFAULT:
            return self.config
        folder = self.path(name)
        if self.config.store != "milvus":
            return self.config.with_(index_dir=folder)
        try:
            collection = json.loads((folder / MILVUS_MAP).read_text(encoding="utf-8"))["collection"]
        except (OSError, ValueError, KeyError, TypeError):
            raise KBError(f"知识库 {name} 没有对应的 Milvus 集合 · knowledge base '{name}' names no Milvus collection "
                          f"({folder / MILVUS_MAP} is missing or damaged); delete it and create it again") from None
        return self.config.with_(index_dir=folder, milvus_uri=self._milvus()[0], milvus_collection=collection)

    def _milvus(self) -> tuple[str, str]:
        """The Milvus address without its ?collection=, and the default index's collection name."""
        from .store.milvus import parse_target
        uri, collection = parse_target(str(self.config.milvus_uri))
        return uri, collection or self.config.milvus_collection

    def info(self, name: str) -> dict:
        try:
            store = self.assistant(name).store()
            documents, chunks = store.document_count(), store.chunk_count()
        except StoreError:  # created, nothing uploaded yet
            documents = chunks = 0
        return {"name": name, "documents": documents, "chunks": chunks, "default": name == DEFAULT}

    def list(self) -> list[dict]:
        return [self.info(n) for n in self.names()]

    def create(self, name: str) -> dict:
        name = check_name(name)
        if self.config.store not in ("local", "milvus"):
            raise KBError(f"未知的存储 · unknown store '{self.config.store}'; use local or milvus")
        if self.exists(name):
            raise KBError(f"知识库已存在 (knowledge base '{name}' exists already)", 409)
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            (self.root / name).mkdir()
        except FileExistsError:
            raise KBError(f"知识库已存在 (knowledge base '{name}' exists already)", 409) from None
        if self.config.store == "milvus":  # a collection of its own, named once: renames keep it
            collection = f"{self._milvus()[1]}_kb_{uuid.uuid4().hex[:12]}"
            (self.root / name / MILVUS_MAP).write_text(json.dumps({"collection": collection}), encoding="utf-8")
        return self.info(name)

    def rename(self, old: str, new: str) -> dict:
        old, new = self._need(old), check_name(new)
        if DEFAULT in (old, new):
            raise KBError("默认知识库不能改名 (the default knowledge base keeps its name)")
        if self.exists(new):
            raise KBError(f"知识库已存在 (knowledge base '{new}' exists already)", 409)
        with self._lock:
            self._assistants.pop(old, None)
            os.rename(self.root / old, self.root / new)
        self._rename_sources(self.root / old, self.root / new)
        return self.info(new)

    def _rename_sources(self, old_dir: Path, new_dir: Path) -> None:
        """Sources under the old folder (its uploads) now live under the new one: move the names in the index."""
        try:
            store = self.assistant(new_dir.name).store()
        except StoreError:
            return  # no index yet
        old_prefix, new_prefix = os.path.normpath(str(old_dir)) + os.sep, os.path.normpath(str(new_dir)) + os.sep
        moves = [(rec.id, s) for rec in store.documents() for s in rec.sources if s.startswith(old_prefix)]
        if not moves:
            return
        with store.writer() as w:
            for doc_id, source in moves:
                w.add_source(doc_id, new_prefix + source[len(old_prefix):])  # first, so the document stays
                w.remove_source(source)

    def delete(self, name: str) -> None:
        name = self._need(name)
        if name == DEFAULT:
            raise KBError("默认知识库不能删除 (the default knowledge base cannot be deleted; remove its documents)")
        collection = self.config_for(name).milvus_collection if self.config.store == "milvus" else None
        with self._lock:
            self._assistants.pop(name, None)
            trash = self.root / f".deleted-{name}-{uuid.uuid4().hex[:8]}"
            os.rename(self.root / name, trash)  # gone from the list at once; the files go after
        shutil.rmtree(trash, ignore_errors=True)
        if collection:
            self._drop(collection)

    def _drop(self, collection: str) -> None:
        from .store.milvus_setup import connect
        client = connect(self._milvus()[0], self.config.milvus_token)
        for part in (f"{collection}_chunks", f"{collection}_docs"):
            if client.has_collection(part):
                client.drop_collection(part)


# ---------- `rag kb …` ----------

def kb_config(config: Config, name: str | None) -> Config:
    """The Config whose index is knowledge base `name` (`--kb`); the default when None."""
    if not name:
        return config
    kbs = KnowledgeBases(config)
    return kbs.config_for(kbs._need(name))


def cmd_kb(args, config: Config) -> int:
    kbs = KnowledgeBases(config)
    if args.action == "list":
        rows = kbs.list()
        print(f"{'name':24}  {'documents':>9}  {'chunks':>7}  folder")
        for r in rows:
            print(f"{r['name']:24}  {r['documents']:9}  {r['chunks']:7}  {kbs.path(r['name'])}")
        return 0
    if args.action == "create":
        kbs.create(args.name)
        print(f"created knowledge base {args.name} in {kbs.path(args.name)}")
    elif args.action == "rename":
        kbs.rename(args.name, args.new_name)
        print(f"renamed knowledge base {args.name} → {args.new_name}")
    elif args.action == "delete":
        if args.yes != args.name:
            raise KBError(f"删除知识库需要确认 · "
                          f"deleting removes every document of '{args.name}'; confirm with --yes {args.name}")
        kbs.delete(args.name)
        print(f"deleted knowledge base {args.name}")
    return 0
