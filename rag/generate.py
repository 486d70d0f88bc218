"""Generated answers: retrieval and the calibrated abstention first, then the model, then every sentence checked.

    question ─▶ Assistant.ask (extractive) ─ abstained? ─▶ that answer; the model is never asked
                                  │ no
                                  ▼
         numbered passages + history ─▶ prompt ─▶ model (streamed) ─▶ sentences ─▶ verify.Verifier
                                                                                        │
        Answer(text: verified sentences [n], flagged ones marked or removed; flags; generation) ◀┘

The extractive answer is computed first on purpose: it decides whether the model is asked at all, and it is
what the user gets, with a one-line notice, whenever the model fails (timeout, refusal, nothing, unreachable,
a stream cut in the middle) or none of its sentences survive the check. A model is never an error page.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .formats.cite import cite_pages
from .formats.model import page_of
from .llm import LLM, LLMConfigError, LLMError, LLMSettings, Usage
from .options import AskOptions, QuestionError
from .records import Answer, Citation, Flag, Passage
from .verify import MARKER, Checked, Verifier, split

MARK = "（未在来源中找到 · not found in the source）"
PROMPT_FILE = Path(__file__).parent / "prompts" / "answer.md"
MAX_PASSAGE_CHARS = 1200  # per passage in the prompt: chunks are ~360 characters; a guard, not a cut in practice
NOT_ASKED = "文档中没有找到答案，未调用模型 · not found in the documents, so the model was not asked"
FALLBACK = "生成失败，显示摘录答案 · generation failed, showing the extractive answer: {}"
NONE_VERIFIED = "模型的回答未能在来源中核实，显示摘录答案 · none of the model's sentences was found in the sources, " \
                "showing the extractive answer"
_HEADING = re.compile(r"^#+\s*")
_SECTION = re.compile(r"^<!--\s*(system|user)\s*-->\s*$", re.M)


class PromptError(ValueError):
    """A prompt file we cannot use; str() names it and what is wrong."""


@dataclass
class Event:
    """What `stream()` yields: a piece of model text ("delta", in `text`), a checked sentence ("sentence": `text`
    is the answer so far as it will be shown, checked sentences marked and [n] numbered as in the final answer;
    `tail` the model text after it, not yet a whole sentence), or the final answer ("answer", last, exactly once)."""
    kind: str
    text: str = ""
    checked: Checked | None = None
    answer: Answer | None = None
    tail: str = ""

    def to_json(self) -> dict:
        """One server-sent event's data (`/api/ask` with stream: true); "type" repeats the kind."""
        if self.kind == "answer":
            return {"type": "answer", **self.answer.to_json()}
        if self.kind == "sentence":
            c = self.checked
            return {"type": "sentence", "answer": self.text, "sentence": c.piece.claim, "flagged": c.flagged,
                    "reasons": list(c.reasons), "detail": c.detail}
        return {"type": self.kind, "text": self.text}


def load_prompt(path: Path | None = None) -> tuple[str, str]:
    """(system template, user template) from the prompt file; a file without section markers is all system."""
    path = path or PROMPT_FILE
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PromptError(f"cannot read the prompt file {path} ({e.__class__.__name__})") from None
    parts = _SECTION.split(text)
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    system = sections.get("system", text.strip() if not sections else "")
    user = sections.get("user", "资料 Passages:\n\n{passages}\n\n{history}问题 Question: {question}")
    if "{passages}" not in system + user or "{question}" not in system + user:
        raise PromptError(f"the prompt file {path} needs the placeholders {{passages}} and {{question}}")
    return system, user


def _fill(template: str, values: dict[str, str]) -> str:
    # Plain replacement, not str.format: a user's prompt may hold other braces (JSON examples).
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def messages(question: str, passages: list[Passage], history: tuple[str, ...] = (), prompt_path=None,
             pages: Callable[[Passage], str] = lambda p: "") -> list[dict]:
    """The chat messages: numbered passages (exact text, source, page when known), earlier questions, question."""
    system, user = load_prompt(prompt_path)
    blocks = []
    for n, p in enumerate(passages, 1):
        where = p.source + (f", {pages(p)}" if pages(p) else "")
        blocks.append(f"[{n}] 来源 Source: {where}\n{p.chunk.text[:MAX_PASSAGE_CHARS]}")
    earlier = ""
    if history:
        earlier = "此前的问题 Earlier questions in this conversation:\n" + "\n".join(f"- {h}" for h in history) + "\n\n"
    values = {"passages": "\n\n".join(blocks), "count": str(len(passages)), "history": earlier,
              "question": question}
    out = [{"role": "system", "content": _fill(system, values)}] if system else []
    return out + [{"role": "user", "content": _fill(user, values)}]


def _page_label(store) -> Callable[[Passage], str]:
    """'第3页 page 3' for a passage of a paged document, when the store keeps page maps (rag/formats)."""
    read = getattr(store, "document_pages", None)
    if read is None:
        return lambda p: ""

    def label(p: Passage) -> str:
        pages = page_of(read(p.chunk.doc_id), p.chunk.start, p.chunk.end)
        if not pages:
            return ""
        span = str(pages[0]) if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"
        return f"第{span}页 page {span}"
    return label


def generate(assistant, question: str, options: AskOptions | None = None,
             should_stop: Callable[[], bool] | None = None, settings: LLMSettings | None = None) -> Answer:
    """The final answer of `stream()` (the path of Assistant.ask with mode "generate")."""
    for event in stream(assistant, question, options, should_stop, settings):
        if event.kind == "answer":
            return event.answer
    raise AssertionError("stream() ended without an answer")  # unreachable: stream always ends with one


def stream(assistant, question: str, options: AskOptions | None = None,
           should_stop: Callable[[], bool] | None = None, settings: LLMSettings | None = None) -> Iterator[Event]:
    """Model text as it comes, each sentence as soon as it is complete and checked, then the answer."""
    options = options or AskOptions()
    base = assistant.ask(question, replace(options, mode="extractive"), should_stop=should_stop)
    if base.abstained or not base.passages:
        yield Event("answer", answer=replace(base, notice=NOT_ASKED))
        return
    t0 = time.perf_counter()
    usage = Usage()
    try:
        settings = settings or LLMSettings.from_env()
        llm = LLM(settings)
        store = assistant.store()
        chat = messages(base.question, base.passages, options.history, settings.prompt_path,
                        _page_label(store))
    except (LLMConfigError, PromptError) as e:
        yield Event("answer", answer=_fallback(base, str(e), usage))
        return
    verifier = Verifier(base.passages, assistant.document_text, assistant.embedder)
    checked: list[Checked] = []
    text = ""
    done = 0  # characters of `text` already cut into checked sentences
    try:
        for delta in llm.stream(chat, usage):
            if should_stop and should_stop():
                raise QuestionError("the question was cancelled")
            text += delta
            yield Event("delta", delta)
            pieces, used = split(text[done:], final=False)
            done += used
            for piece in pieces:
                checked.append(verifier.check(piece))
                yield Event("sentence", render(checked, settings.flagged)[0], checked[-1], tail=text[done:])
    except LLMError as e:
        yield Event("answer", answer=_fallback(base, str(e), usage))
        return
    for piece in split(text[done:])[0]:
        checked.append(verifier.check(piece))
        yield Event("sentence", render(checked, settings.flagged)[0], checked[-1])
    answer = _answer(base, checked, settings, usage, (time.perf_counter() - t0) * 1e3)
    yield Event("answer", answer=cite_pages(answer, store))  # PDF and scans: each citation's page


def _answer(base: Answer, checked: list[Checked], settings: LLMSettings, usage: Usage, ms: float) -> Answer:
    text, citations, flags = render(checked, settings.flagged)
    claims = [c for c in checked if not (c.no_answer or c.intro)]
    verified = sum(1 for c in claims if not c.flagged)
    figures = _figures(settings, usage) | {
        "sentences": len(claims), "verified": verified, "flagged": len(flags),
        # Each [n] the model wrote, and those on sentences the check upheld (rag eval's citation_precision).
        "citations_made": sum(len(c.piece.cited) for c in claims),
        "citations_supported": sum(len(c.support) for c in claims if not c.flagged)}
    timings = dict(base.timings_ms) | {"generate": ms}
    if claims and not verified:
        return replace(base, notice=NONE_VERIFIED, flags=tuple(flags), generation=figures, timings_ms=timings)
    if not claims:  # the model says the passages do not answer it: believe it, show the passages
        return replace(base, text=text, citations=[], abstained=True, mode="generate", generation=figures,
                       timings_ms=timings)
    return replace(base, text=text, citations=citations, mode="generate", flags=tuple(flags), generation=figures,
                   timings_ms=timings)


def render(checked: list[Checked], flagged: str = "mark") -> tuple[str, list[Citation], list[Flag]]:
    """The answer text: each verified sentence followed by [n] for its supporting sentences (numbered in order
    of first use, one number per exact quote), each flagged one marked (or left out); the flags."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    flags: list[Flag] = []
    out: list[str] = []
    for c in checked:
        # Markdown emphasis and heading marks would show literally in the chat (it escapes answer text).
        shown = _HEADING.sub("", re.sub(r"\s*" + MARKER.pattern, "", c.piece.raw)).replace("**", "").strip()
        if c.flagged:
            flags.append(Flag(c.piece.claim, c.reasons, c.detail, c.piece.cited))
            if flagged == "remove":
                continue
            shown += MARK
        else:
            for passage, s, e in c.support:
                key = (passage.chunk.doc_id, s, e)
                if key not in numbers:
                    numbers[key] = len(citations) + 1
                    citations.append(_citation(numbers[key], passage, s, e))
                shown += f"[{numbers[key]}]"
        out.append((c.piece.lead if out else "") + shown)
    return "".join(out).strip(), citations, flags


def _citation(n: int, passage: Passage, start: int, end: int) -> Citation:
    chunk = passage.chunk
    # The supporting sentence lies inside the passage's chunk, whose text is the document's slice there.
    quote = chunk.text[start - chunk.start:end - chunk.start]
    return Citation(n=n, doc_id=chunk.doc_id, chunk_id=chunk.id, source=passage.source, start=start, end=end,
                    quote=quote, score=passage.score)


def _figures(settings: LLMSettings | None, usage: Usage) -> dict:
    out = {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
           "attempts": usage.attempts}
    if settings is not None and settings.model:
        out["model"] = settings.model
    return out


def _fallback(base: Answer, reason: str, usage: Usage) -> Answer:
    return replace(base, notice=FALLBACK.format(reason), generation=_figures(None, usage) | {"error": reason})
