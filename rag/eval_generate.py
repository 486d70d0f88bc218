"""`rag eval --generate`: what generated answers are worth, against whatever model RAG_LLM_* points at.

Each question goes through Assistant.ask with mode "generate" (the same path as `rag ask --generate`), so
retrieval, abstention, the prompt and the sentence check are the ones users get. The usual metrics (answer_hit,
abstain_*, complete) are then measured on the text shown, generated or fallen back to. Added here:
  supported_sentence_rate  sentences the check upheld / all sentences the model wrote (statements that the
                           passages lack the answer are not counted)
  citation_precision       [n] markers on upheld sentences / all [n] markers the model wrote (a marker to a
                           passage that does not exist, or on a sentence its passage does not support, misses)
  model_asked              share of questions sent to the model (the rest abstained before: no tokens spent)
  fallback_rate            share of the asked questions answered extractively after all (model failed, or
                           none of its sentences held)
  tokens_per_answer        prompt + completion tokens per asked question, as the server reports them
"""
from __future__ import annotations

from .llm import configured as model_configured  # noqa: F401  (eval.py asks before it starts)

GENERATE_METRICS = ("supported_sentence_rate", "citation_precision", "model_asked", "fallback_rate",
                    "tokens_per_answer", "prompt_tokens_per_answer", "completion_tokens_per_answer")


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def metrics(figures: list[dict]) -> dict:
    """From the `generation` dicts of every answer (empty for questions the model was never asked)."""
    asked = [g for g in figures if g.get("attempts")]
    answered = [g for g in asked if "sentences" in g]
    fallen = [g for g in asked if "error" in g or (g.get("sentences") and not g.get("verified"))]
    prompt = sum(g.get("prompt_tokens", 0) for g in asked)
    completion = sum(g.get("completion_tokens", 0) for g in asked)
    return {
        "supported_sentence_rate": _ratio(sum(g["verified"] for g in answered), sum(g["sentences"] for g in answered)),
        "citation_precision": _ratio(sum(g.get("citations_supported", 0) for g in answered),
                                     sum(g.get("citations_made", 0) for g in answered)),
        "model_asked": _ratio(len(asked), len(figures)),
        "fallback_rate": _ratio(len(fallen), len(asked)),
        "tokens_per_answer": _ratio(prompt + completion, len(asked)),
        "prompt_tokens_per_answer": _ratio(prompt, len(asked)),
        "completion_tokens_per_answer": _ratio(completion, len(asked)),
    }


def format_lines(result: dict, width: int) -> list[str]:
    """Table rows for the metrics above, when the result has them."""
    return [f"{k:{width}}  {'-' if result.get(k) is None else result[k]}" for k in GENERATE_METRICS if k in result]
