"""Talking to an OpenAI-compatible chat model (vLLM, Ollama, Xinference, a hosted API) for generated answers.

Configuration comes from the environment only, so an API key never sits on a command line, in shell history or
in a log: `LLMSettings.from_env()` reads RAG_LLM_*; its repr hides the key. The official `openai` client does
the HTTP; we turn its own retries off and retry here instead (429 and 5xx only, before the first token, a
bounded number of times with backoff), because a retry after half an answer was shown would repeat it.
Every failure becomes one LLMError with a one-line reason: the caller falls back to the extractive answer.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FLAGGED_CHOICES = ("mark", "remove")
MAX_RETRY_WAIT = 10.0  # seconds: a Retry-After of minutes would leave the user staring at nothing


class LLMError(Exception):
    """The model gave no usable answer (timeout, refusal, nothing, unreachable, cut off); str() is one line."""


class LLMConfigError(ValueError):
    """A RAG_LLM_* variable we cannot use; str() names it and says what it takes."""


def _number(env, name: str, default: float, kind=float, low: float = 0.0, high: float = 1e9):
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise LLMConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise LLMConfigError(f"{name} must be between {low:g} and {high:g}, got {raw}")
    return value


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never printed: repr and str leave it out
    timeout: float = 60.0       # seconds for the whole answer, request to last token
    max_tokens: int = 800
    temperature: float = 0.1    # low: we want the passages restated, not embroidered
    prompt_path: Path | None = None
    flagged: str = "mark"       # what to do with a sentence its citation does not support: mark or remove
    retries: int = 2            # extra attempts after a 429 or 5xx
    backoff: float = 0.5        # first wait in seconds, doubled each retry (a Retry-After header wins)

    @classmethod
    def from_env(cls, env=None) -> LLMSettings:
        env = os.environ if env is None else env
        flagged = (env.get("RAG_LLM_FLAGGED") or "mark").strip().lower()
        if flagged not in FLAGGED_CHOICES:
            raise LLMConfigError(f"RAG_LLM_FLAGGED must be one of {', '.join(FLAGGED_CHOICES)}, got {flagged!r}")
        prompt = (env.get("RAG_LLM_PROMPT") or "").strip()
        return cls(
            base_url=(env.get("RAG_LLM_BASE_URL") or "").strip() or None,
            model=(env.get("RAG_LLM_MODEL") or "").strip() or None,
            api_key=env.get("RAG_LLM_API_KEY") or None,
            timeout=_number(env, "RAG_LLM_TIMEOUT", cls.timeout, low=0.1, high=3600),
            max_tokens=_number(env, "RAG_LLM_MAX_TOKENS", cls.max_tokens, int, 16, 100_000),
            temperature=_number(env, "RAG_LLM_TEMPERATURE", cls.temperature, high=2.0),
            prompt_path=Path(prompt) if prompt else None,
            flagged=flagged,
            retries=_number(env, "RAG_LLM_RETRIES", cls.retries, int, 0, 10),
        )

    @property
    def configured(self) -> bool:
        """A model is named and reachable by URL; only then do the UI toggle and `--generate` make sense."""
        return bool(self.base_url and self.model)

    def describe(self) -> str:
        """For logs and `rag ask` notices: where, which model; never the key."""
        return f"{self.model} at {self.base_url}"


def configured() -> bool:
    """True when RAG_LLM_BASE_URL and RAG_LLM_MODEL are set (a bad number elsewhere still counts as configured:
    the error shows when a question is asked, as a notice)."""
    return bool(os.environ.get("RAG_LLM_BASE_URL", "").strip() and os.environ.get("RAG_LLM_MODEL", "").strip())


@dataclass
class Usage:
    """What one answer cost; servers that do not report usage leave zeros."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    finish_reason: str | None = None


class LLM:
    def __init__(self, settings: LLMSettings, sleep=time.sleep):
        if not settings.configured:
            raise LLMConfigError("no model configured: set RAG_LLM_BASE_URL and RAG_LLM_MODEL")
        from openai import OpenAI
        self.settings = settings
        self._sleep = sleep
        # Local servers (Ollama, vLLM) take any key; the client insists on one.
        self.client = OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                             timeout=settings.timeout, max_retries=0)

    def stream(self, messages: list[dict], usage: Usage | None = None) -> Iterator[str]:
        """Text pieces as the model writes them. Raises LLMError on any failure, including a stream that ends
        without the model saying it finished (a connection cut in the middle)."""
        usage = usage if usage is not None else Usage()
        # The client's timeout bounds each wait (connect, each read); a model trickling tokens could still run
        # for ever: the deadline bounds the whole answer.
        deadline = time.monotonic() + self.settings.timeout
        response = self._open(messages, usage)
        produced = False
        try:
            for chunk in response:
                if time.monotonic() > deadline:
                    raise LLMError(f"the model did not finish within {self.settings.timeout:g} s")
                if getattr(chunk, "usage", None):
                    usage.prompt_tokens = chunk.usage.prompt_tokens or 0
                    usage.completion_tokens = chunk.usage.completion_tokens or 0
                for choice in chunk.choices or ():
                    delta = choice.delta
                    if getattr(delta, "refusal", None):
                        raise LLMError("the model refused to answer")
                    if delta is not None and delta.content:
                        produced = True
                        yield delta.content
                    if choice.finish_reason:
                        usage.finish_reason = choice.finish_reason
        except LLMError:
            raise
        except Exception as e:  # httpx and openai errors alike: a cut stream, a reset connection, bad JSON
            if "timeout" in type(e).__name__.lower():
                raise LLMError(f"the model did not finish within {self.settings.timeout:g} s") from None
            raise LLMError(f"the model's answer stopped in the middle ({self._reason(e)})") from None
        finally:
            close = getattr(response, "close", None)
            if close:
                close()
        if usage.finish_reason == "content_filter":
            raise LLMError("the model refused to answer (content filter)")
        if usage.finish_reason is None:
            raise LLMError("the model's answer stopped in the middle (no end of answer received)")
        if not produced:
            raise LLMError("the model returned an empty answer")

    def _open(self, messages: list[dict], usage: Usage):
        """The streaming request, retried on 429 and 5xx with backoff; other failures are not retried (a
        timeout already cost the user the whole timeout)."""
        import openai
        args = dict(model=self.settings.model, messages=messages, stream=True,
                    max_tokens=self.settings.max_tokens, temperature=self.settings.temperature,
                    stream_options={"include_usage": True})
        for attempt in range(self.settings.retries + 1):
            usage.attempts = attempt + 1
            try:
                return self.client.chat.completions.create(**args)
            except openai.BadRequestError as e:
                # Some servers refuse stream_options; ask once more without it (no token counts then).
                if "stream_options" in args and "stream_options" in str(e):
                    args.pop("stream_options")
                    continue
                raise LLMError(f"the model refused the request ({self._reason(e)})") from None
            except openai.APIStatusError as e:
                if (e.status_code == 429 or e.status_code >= 500) and attempt < self.settings.retries:
                    self._sleep(self._wait(e, attempt))
                    continue
                raise LLMError(f"the model's server answered {e.status_code} ({self._reason(e)})") from None
            except openai.APITimeoutError:
                raise LLMError(f"the model did not answer within {self.settings.timeout:g} s") from None
            except openai.APIConnectionError as e:
                raise LLMError(f"cannot reach the model at {self.settings.base_url} ({self._reason(e)})") from None
            except openai.OpenAIError as e:
                raise LLMError(f"the model request failed ({self._reason(e)})") from None
        raise LLMError(f"the model's server is busy (gave up after {self.settings.retries + 1} attempts)")

    def _reason(self, e: BaseException) -> str:
        """A one-line description of an exception, the key blanked out: a server may echo what it was sent."""
        text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if self.settings.api_key:
            text = text.replace(self.settings.api_key, "***")
        return text[:160]

    def _wait(self, error, attempt: int) -> float:
        header = None
        response = getattr(error, "response", None)
        if response is not None:
            header = response.headers.get("retry-after")
        try:
            wait = float(header) if header is not None else self.settings.backoff * 2 ** attempt
        except ValueError:  # an HTTP date: not worth parsing, use our own backoff
            wait = self.settings.backoff * 2 ** attempt
        return max(0.0, min(wait, MAX_RETRY_WAIT))
