"""`rag ask` and `rag chat`: questions from the command line, with the same AskOptions as every other entry point
(top-k, answer length, history)."""
from __future__ import annotations

import json
import sys


def _config(args):
    from .cli import _config as config
    return config(args)


def _assistant(args):
    """The Assistant for --kb: one knowledge base, or several ('--kb 通知,交通') searched together
    (rag/multi_kb.py), as the API's kb list."""
    names = [n.strip() for n in (getattr(args, "kb", None) or "").split(",") if n.strip()]
    if len(names) > 1:
        from .cli import _config as config
        from .kb import KnowledgeBases
        return KnowledgeBases(config(args, kb=False)).assistant(names)
    from .assistant import Assistant
    return Assistant(_config(args))


def _options(args, history: list[str] | None = None):
    from .options import AskOptions
    return AskOptions(top_k=args.top_k, length=args.length,
                      history=history if history is not None else (args.history or []),
                      mode="generate" if args.generate else "extractive")


def _need_model(args) -> None:
    """--generate without a model is a usage error, said once, not a notice on every answer."""
    from .llm import LLMConfigError, LLMSettings
    from .options import QuestionError
    if not args.generate:
        return
    try:
        settings = LLMSettings.from_env()
    except LLMConfigError as e:
        raise QuestionError(str(e)) from None
    if not settings.configured:
        raise QuestionError("--generate needs a model: set RAG_LLM_BASE_URL and RAG_LLM_MODEL (and RAG_LLM_API_KEY "
                            "for a hosted API)")


def _print_answer(result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return
    if result.search_query:
        print(f"(searched with: {result.search_query})")
    if result.notice:
        print(f"({result.notice})")
    print(result.text)
    print()
    if result.abstained:
        print("closest passages:")
        for i, p in enumerate(result.passages[:3], 1):
            print(f"  ({i}) {p.source} [{p.chunk.start}:{p.chunk.end}] {p.chunk.text[:80]}…")
    for c in result.citations:
        print(f"[{c.n}] {c.source} [{c.start}:{c.end}] “{c.quote}”")
    for f in result.flags:
        print(f"not found in the source ({', '.join(f.reasons)}{': ' + f.detail if f.detail else ''}): {f.sentence}")


def cmd_ask(args) -> int:
    from .remote import server_url
    url = server_url(getattr(args, "server", None))
    if url:  # a running `rag serve` answers (same options, same printout)
        from .remote import answer_from_json, ask
        reply = ask(url, " ".join(args.question), args.top_k, args.length, args.history)
        _print_answer(answer_from_json(reply), args.json)
        return 0
    _need_model(args)
    assistant = _assistant(args)
    _print_answer(assistant.ask(" ".join(args.question), _options(args)), args.json)
    return 0


def cmd_chat(args) -> int:
    """Questions from stdin, one a line; each earlier question is history for the next (follow-ups work)."""
    from .options import QuestionError
    _need_model(args)
    assistant = _assistant(args)
    history: list[str] = list(args.history or [])
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            print("? ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            return 0
        if not line.strip():
            continue
        try:
            result = assistant.ask(line, _options(args, history))
        except QuestionError as e:  # one bad line does not end the conversation
            print(f"error: {e}", file=sys.stderr)
            continue
        _print_answer(result, args.json)
        history.append(result.question)
        if not args.json:
            print()
