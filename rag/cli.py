"""`rag` command line: index, remove, docs, ask, serve. A thin shell over Assistant; user errors are one line."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .cli_ask import cmd_ask, cmd_chat
from .cli_check import cmd_check
from .config import Config


def _config(args, kb: bool = True) -> Config:
    """The configuration from flags and environment; with `--kb NAME`, its index is that knowledge base's."""
    config = Config.from_env(index_dir=getattr(args, "index", None), model=getattr(args, "model", None),
                             store=getattr(args, "store", None), milvus_uri=getattr(args, "milvus_uri", None),
                             milvus_collection=getattr(args, "milvus_collection", None))
    if kb and getattr(args, "kb", None):
        from .kb import kb_config
        config = kb_config(config, args.kb)
    return config


def cmd_kb(args) -> int:
    """`rag kb list | create NAME | rename NAME NEW | delete NAME --yes NAME`."""
    from .kb import KBError
    from .kb import cmd_kb as run
    if args.action != "list" and not args.name:
        raise KBError(f"rag kb {args.action} needs a knowledge-base name")
    if args.action == "rename" and not args.new_name:
        raise KBError("rag kb rename needs the old and the new name: rag kb rename OLD NEW")
    return run(args, _config(args, kb=False))


def cmd_feedback(args) -> int:
    """`rag feedback export`: 👍/👎 from the chat UI and API as `rag eval` questions (queries.jsonl lines)."""
    from .workspace_export import cmd_feedback as run
    return run(args, _config(args, kb=False))


def _where(config: Config) -> str:
    if config.store == "milvus":
        return f"Milvus {config.milvus_uri} (collection {config.milvus_collection})"
    return str(config.index_dir)


def cmd_index(args) -> int:
    from tqdm import tqdm

    from .assistant import Assistant
    assistant = Assistant(_config(args))
    bar = tqdm(total=0, unit="file", disable=args.quiet or None, file=sys.stderr, dynamic_ncols=True)

    def progress(done, total, name):
        bar.total = total
        bar.update(done - bar.n)
        bar.set_postfix_str(os.path.basename(name)[-30:], refresh=False)

    report = assistant.index(args.paths, progress=progress)
    bar.close()
    for reason in report.failed:
        print(f"not indexed: {reason}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"indexed {len(report.added)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.duplicates)} duplicate, {len(report.failed)} failed; {report.chunks} chunks in "
          f"{report.seconds:.1f}s → {_where(assistant.config)}")
    return 0 if not report.failed or (report.added or report.updated or report.unchanged) else 1


def cmd_remove(args) -> int:
    from .assistant import Assistant
    assistant = Assistant(_config(args))
    for item in args.items:
        print(f"removed {assistant.remove(item)}")
    return 0


def cmd_docs(args) -> int:
    from .assistant import Assistant
    docs = Assistant(_config(args)).documents()
    if args.json:
        print(json.dumps([d.to_json() for d in docs], ensure_ascii=False, indent=1))
        return 0
    print(f"{'id':16}  {'chunks':>6}  {'chars':>8}  {'encoding':10}  source")
    for d in docs:
        print(f"{d.id:16}  {d.chunks:6}  {d.chars:8}  {d.encoding:10}  {' | '.join(d.sources)}")
    print(f"{len(docs)} documents, {sum(d.chunks for d in docs)} chunks")
    return 0


def cmd_eval(args) -> int:
    from tqdm import tqdm

    from . import eval as evaluation
    config = _config(args)
    if args.cache:
        config = config.with_(eval_cache=args.cache)
    bar = tqdm(total=0, unit="q", disable=args.quiet or None, file=sys.stderr, dynamic_ncols=True)

    def progress(done, total):
        bar.total = total
        bar.update(done - bar.n)

    details: list = []
    result = evaluation.evaluate(args.dir, config, limit=args.limit, unanswerable=args.unanswerable,
                                 progress=progress, details=details, generate=args.generate)
    bar.close()
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in details)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(evaluation.format_table(os.path.basename(os.path.normpath(args.dir)), result))
    return 0


def cmd_serve(args) -> int:
    from ui.server import serve
    if args.kb:
        from .kb import KBError
        raise KBError("rag serve serves every knowledge base: pick one in the UI, or send kb with each request")
    serve(_config(args), host=args.host, port=args.port)
    return 0


def cmd_migrate(args) -> int:
    """Copy a local index into Milvus: vectors and terms as they are, nothing re-embedded."""
    from pathlib import Path

    from tqdm import tqdm

    from .store import LocalStore, StoreError
    from .store.milvus import MilvusStore, migrate, parse_target
    config = _config(args)
    source = Path(args.source or config.index_dir)
    try:  # the copy keeps the source's model and tokenizer, whatever --model says
        manifest = json.loads((Path(source) / "manifest.json").read_text(encoding="utf-8"))
        model, dim, bigrams = manifest["model"]["name"], manifest["model"]["dim"], manifest["tokenizer"]["bigrams"]
    except (OSError, ValueError, KeyError) as e:
        raise StoreError(f"{source} is not a local index ({e}); give the folder of `rag index --index`") from None
    config = config.with_(model=model, use_bigrams=bigrams)
    local = LocalStore.open(source, config=config)
    if args.to != "milvus":
        uri, collection = parse_target(args.to)
        config = config.with_(milvus_uri=uri, milvus_collection=collection)
    target = MilvusStore.open(config.with_(store="milvus"), create=True, model_dim=dim)
    bar = tqdm(total=0, unit="doc", disable=args.quiet or None, file=sys.stderr, dynamic_ncols=True)

    def progress(done, total):
        bar.total = total
        bar.update(done - bar.n)

    docs, chunks = migrate(local, target, progress=progress)  # its writer refreshes the target when it closes
    bar.close()
    skipped = len(local.documents()) - docs
    print(f"copied {docs} documents, {chunks} chunks ({skipped} already there) from {source} → "
          f"Milvus {target.uri} (collection {target.name}); {len(target.documents())} documents, "
          f"{target.chunk_count()} chunks there now")
    if target.chunk_count() < local.chunk_count():
        raise StoreError(f"Milvus has {target.chunk_count()} chunks, the local index {local.chunk_count()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", help="index folder (default embeddings/index, or $RAG_INDEX)")
    common.add_argument("--model", help="sentence-transformers model name or path (default: bundled USE)")
    common.add_argument("--store", choices=("local", "milvus"), help="index backend (default local, or $RAG_STORE)")
    common.add_argument("--milvus-uri", help="Milvus Lite path ending in .db, or http://host:19530 "
                                             "($RAG_MILVUS_URI; token in $RAG_MILVUS_TOKEN); implies --store milvus")
    common.add_argument("--milvus-collection", help="index name in Milvus (default rag, or $RAG_MILVUS_COLLECTION)")
    common.add_argument("--kb", metavar="NAME", help="knowledge base (知识库) to use; default: the --index folder "
                                                     "(see rag kb list); rag ask/chat take several: A,B")
    p = argparse.ArgumentParser(prog="rag", description="Question answering over Chinese documents, with citations.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("index", parents=[common], help="add or update files and folders")
    s.add_argument("paths", nargs="+")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_index)
    s = sub.add_parser("remove", parents=[common], help="remove documents by id or file path")
    s.add_argument("items", nargs="+")
    s.set_defaults(func=cmd_remove)
    s = sub.add_parser("docs", parents=[common], help="list indexed documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_docs)
    asking = argparse.ArgumentParser(add_help=False)  # the per-question options (rag.options.AskOptions)
    asking.add_argument("--json", action="store_true", help="print one JSON object per answer")
    asking.add_argument("-k", "--top-k", type=int, default=None)
    asking.add_argument("--length", choices=("short", "medium", "long"), help="answer length (default medium)")
    asking.add_argument("--history", action="append", metavar="Q",
                        help="an earlier question, for follow-ups (repeat, oldest first)")
    asking.add_argument("--generate", action="store_true", help="a model's answer (RAG_LLM_BASE_URL, RAG_LLM_MODEL), "
                        "every sentence checked against the passage it cites")
    s = sub.add_parser("ask", parents=[common, asking], help="answer a question from the documents")
    s.add_argument("question", nargs="+")
    s.add_argument("--server", metavar="URL", help="ask a running `rag serve` (http://127.0.0.1:7860; $RAG_SERVER)")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("chat", parents=[common, asking], help="answer questions from stdin, one a line, "
                                                             "each earlier one kept as history")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("eval", parents=[common], help="measure retrieval and answers on DIR (docs/ + queries.jsonl)")
    s.add_argument("dir")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--limit", type=int, default=None, help="ask at most N questions (an even spread)")
    s.add_argument("--unanswerable", metavar="OTHER_DIR",
                   help="also ask OTHER_DIR's questions (a 'not found' is right)")
    s.add_argument("--cache", help="folder of cached eval indexes (default embeddings/eval-cache)")
    s.add_argument("--details", metavar="FILE", help="write one JSON line per question (answer, missing phrases…)")
    s.add_argument("--generate", action="store_true", help="measure generated answers from the RAG_LLM_* model")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("serve", parents=[common], help="chat UI and HTTP API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("migrate", parents=[common], help="copy a local index into Milvus without re-embedding")
    s.add_argument("--from", dest="source", help="local index folder (default --index)")
    s.add_argument("--to", required=True, help="milvus://host:19530, milvus:///path/x.db, either with "
                                               "?collection=NAME, or 'milvus' for --milvus-uri")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_migrate)
    s = sub.add_parser("kb", parents=[common], help="knowledge bases: list, create NAME, rename NAME NEW, "
                                                   "delete NAME --yes NAME")
    s.add_argument("action", choices=("list", "create", "rename", "delete"))
    s.add_argument("name", nargs="?")
    s.add_argument("new_name", nargs="?")
    s.add_argument("--yes", metavar="NAME", help="confirm a delete by repeating the name")
    s.set_defaults(func=cmd_kb)
    s = sub.add_parser("feedback", parents=[common], help="export rated answers as rag eval questions")
    s.add_argument("action", choices=("export",))
    s.add_argument("--rating", choices=("up", "down"), help="only 👍 or only 👎 (default both)")
    s.add_argument("-o", "--output", metavar="FILE", help="write to FILE (e.g. DIR/queries.jsonl), not stdout")
    s.set_defaults(func=cmd_feedback)
    s = sub.add_parser("check", parents=[common], help="verify the index; --repair fixes what it can")
    s.add_argument("--repair", action="store_true", help="rebuild damaged documents from their stored texts")
    s.set_defaults(func=cmd_check)  # rag/cli_check.py
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as e:  # the user-error classes are imported only now: `rag ask --server` loads no index code
        from .embed import ModelError
        from .eval import EvalError
        from .options import QuestionError
        from .remote import RemoteError
        from .store import StoreError
        if not isinstance(e, (StoreError, QuestionError, ModelError, FileNotFoundError, EvalError, RemoteError)):
            raise
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; what was committed before stays in the index", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
