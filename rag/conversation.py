"""Follow-up questions without an LLM: carry the previous question's key terms into a short or pronoun-led one.

"老农贸市场改造是怎么回事？" then "那资金呢？" should search with "〔老 农贸市场 改造〕那资金呢？", not with "资金"
alone; the carried words are marked so that they count less than the question's own (units.CONTEXT_WEIGHT).
We only touch the *search* query: the user's words are kept for display, and a question that stands on its
own (long enough, no pronoun) is left exactly as it is.
"""
from __future__ import annotations

import re

from .focus import MEASURES, focus
from .normalize import is_cjk, search_form
from .stopwords import CHAT_WORDS, STOPWORDS
from .tokenize import _jieba
from .units import CONTEXT, question_units

MAX_CARRIED = 6          # key terms taken over from the previous turn
# A follow-up ('〔…土地 交付〕那配套设施呢？') is answered by a sentence holding its own words: the sentence best
# matching the carried ones answers the previous question. Sentences gain this much times their share of them.
OWN_BONUS = 0.3
SHORT_CONTENT_CHARS = 4  # a question with this few content characters (CJK) needs context
SHORT_CONTENT_WORDS = 2  # ... or this few content words (Latin)

# Words that point back at something said before.
_PRONOUN_PREFIXES = ("这", "那", "它", "其", "该", "此", "上述", "前者", "后者", "他们", "她们")
_EN_PRONOUNS = frozenset("it its they them their this that these those he she his her".split())
_WORD = re.compile(r"[\w\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    return [w for w in _jieba(None).cut(search_form(text), HMM=True) if _WORD.search(w) and not w.isspace()]


def key_terms(question: str) -> list[str]:
    """The words that name the topic: no function or question words, no single CJK characters."""
    out: list[str] = []
    for w in _words(question):
        if w in STOPWORDS or w in CHAT_WORDS or w.startswith(_PRONOUN_PREFIXES):
            continue
        if len(w) < 2 and not w.isdigit():
            continue
        if w not in out:
            out.append(w)
    return out


def leans_back(question: str) -> bool:
    """Leaning on a pronoun ("那资金呢？", "它什么时候开始？", "what about its cost?")."""
    words = _words(question)
    return any(w.startswith(_PRONOUN_PREFIXES) for w in words if is_cjk(w[0])) or any(
        w in _EN_PRONOUNS for w in words)


def needs_context(question: str) -> bool:
    """Short, or leaning on a pronoun (see followup.py: a short one may still stand on its own)."""
    if leans_back(question):
        return True
    content = key_terms(question)
    cjk_chars = sum(len(w) for w in content if is_cjk(w[0]))
    latin_words = sum(1 for w in content if not is_cjk(w[0]))
    return cjk_chars <= SHORT_CONTENT_CHARS and latin_words <= SHORT_CONTENT_WORDS


def contextualize(question: str, history: list[str] | None = None) -> str:
    """The query to search with. `history` holds the earlier user questions, oldest first."""
    previous = ""
    for earlier in history or []:
        previous = _with_context(earlier, previous)
    return _with_context(question, previous)


def _with_context(question: str, previous: str) -> str:
    if not previous or not needs_context(question):
        return question
    own = set(key_terms(question))
    if own and all(_value_word(t) for t in own):
        # '比例是多少？' after '区县的防汛补助什么时候拨付？': a generic word for the asked value says nothing of
        # what it is of, so the earlier topic is the subject here, at full weight; but not what was asked
        # then (拨付, after its question word), or the old question would be answered again.
        asked = {u.label for u in focus(previous, question_units(previous))[1]}
        carried = [t for t in key_terms(previous) if t not in own and t not in asked][:MAX_CARRIED]
        return f"⟦{' '.join(carried)}⟧{question}" if carried else question
    carried = [t for t in key_terms(previous) if t not in own][:MAX_CARRIED]
    # The carried words go inside 〔〕: units.py weighs them below the question's own words, so "那资金呢？"
    # is answered about the money, not by any sentence on the market renovation.
    return f"〔{' '.join(carried)}〕{question}" if carried else question


def _value_word(word: str) -> bool:
    """A generic word for the asked value ('比例', '人数', '时间', '金额'): it says nothing of what the value is
    of. ('资金', '补贴' do: '那资金呢？' is about the funding, the carried topic only helps.)"""
    return word in MEASURES


def own_units(query: str) -> list:
    """The units of a follow-up's own words, [] for a question carrying no earlier words (〔…〕)."""
    if not CONTEXT.search(query):
        return []
    return question_units(CONTEXT.sub(" ", query))


def user_questions(history: list | None) -> list[str]:
    """Earlier user questions from a history given as strings, OpenAI-style messages or Gradio chat messages."""
    out = []
    for item in history or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and item.get("role") == "user":
            content = item.get("content")
            if isinstance(content, list):  # OpenAI content parts / Gradio 6 message parts
                content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
            if isinstance(content, str) and content.strip():
                out.append(content)
    return out
