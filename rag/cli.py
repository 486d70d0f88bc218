"""`rag` command line: index, remove, docs, ask, serve. A thin shell over Assistant; user errors are one line."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .config import Config


def _config(args) -> Config:
    return Config.from_env(index_dir=getattr(args, "index", None), model=getattr(args, "model", None))


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
        print(f"skipped: {reason}", file=sys.stderr)
    print(f"indexed {len(report.added)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
          f"{len(report.duplicates)} duplicate, {len(report.failed)} failed; {report.chunks} chunks in "
          f"{report.seconds:.1f}s → {assistant.config.index_dir}")
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


def cmd_ask(args) -> int:
    from .assistant import Assistant
    assistant = Assistant(_config(args))
    result = assistant.ask(" ".join(args.question), top_k=args.top_k)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(result.text)
    print()
    if result.abstained:
        print("closest passages:")
        for i, p in enumerate(result.passages[:3], 1):
            print(f"  ({i}) {p.source} [{p.chunk.start}:{p.chunk.end}] {p.chunk.text[:80]}…")
    for c in result.citations:
        print(f"[{c.n}] {c.source} [{c.start}:{c.end}] “{c.quote}”")
    return 0


def cmd_serve(args) -> int:
    from ui.app import serve
    serve(_config(args), host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", help="index folder (default embeddings/index, or $RAG_INDEX)")
    common.add_argument("--model", help="sentence-transformers model name or path (default: bundled USE)")
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
    s = sub.add_parser("ask", parents=[common], help="answer a question from the documents")
    s.add_argument("question", nargs="+")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("-k", "--top-k", type=int, default=None)
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("serve", parents=[common], help="chat UI and HTTP API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .assistant import QuestionError
    from .embed import ModelError
    from .store import StoreError
    try:
        return args.func(args)
    except (StoreError, QuestionError, ModelError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; what was committed before stays in the index", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
