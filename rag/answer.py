"""Passages → a short extractive answer: the sentences that answer the question, each cited exactly.

Sentences of the best passages are scored by how much of the question they cover (retrieve.coverage: units
weighted by IDF, so '12345' or '农贸市场' count more than '市'; English words through their translations) and
by dense similarity to the question; only a coverage shortlist is embedded (~10 ms a sentence on 2 cores,
then cached). The best sentence is kept, plus runners-up while the answer stays short; near-duplicates (chunk
overlap, the same text in two documents) are dropped. Quotes are the document's own text (traditional stays).

Abstention: `relevance()` is a logistic score of the best passage's coverage and cosine, calibrated on bench
questions asked against their own documents (answerable) and against another set's (unanswerable); see
README "Answer quality". Below Config.abstain_threshold we say "not found" and still return the passages.
"""
from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from . import conversation, shapes, speakers
from .chunk import sentences
from .config import Config
from .embed import Embedder
from .focus import focus, focus_share, sibling_clash
from .normalize import fold, search_form
from .plans import Cand, Part, Plan, answer_slices
from .records import Answer, Citation, Passage
from .replies import is_question
from .retrieve import Query
from .sentence_vectors import cache as _cache
from .shaped import shaped
from .spans import plain
from .units import CONTEXT, coverage, name_units, question_units

NOT_FOUND = "文档中没有找到相关内容。(Not found in the documents.)"
PASSAGES_FOR_SENTENCES = 3
SHORTLIST = 8           # sentences embedded per question
MIN_SENTENCE_CHARS = 12
FOCUS_BONUS = 0.15     # for holding all the focus words of the question (factoid.focus)
NAME_RELEVANCE = 0.5    # weight of an English question's pinyin names in the relevance features
RUNNER_UP_RATIO = 0.8   # a second sentence must score at least this share of the best one

# relevance = sigmoid(A·passage coverage + B·best two-sentence coverage + C·cosine + D), one set for Chinese
# and one for English questions (the CJK ratio interpolates). Fitted by class-balanced logistic regression on
# 300 questions per bench set asked against their own documents and against another set's (README).
# The two-sentence window matters: an answerable question's words meet in one place, an unanswerable one's
# are scattered over a passage that merely shares the topic.
_ZH = (4.4, 7.7, 10.4, -9.4)
# English questions: the classes overlap far more (translations are noisy), so the intercept is moved by
# +0.3 to put the threshold at the 5th percentile of answerable English questions, not the balanced point.
_EN = (-0.3, 2.5, 9.6, -3.9)


def features(query: Query, passages: list[Passage]) -> tuple[float, float, float]:
    """(best passage coverage, best coverage by two adjacent sentences, best cosine) over the top passages."""
    top = passages[:PASSAGES_FOR_SENTENCES]
    cover = window = 0.0
    for p in top:
        text = search_form(p.chunk.text)
        cover = max(cover, coverage(query.units, text))
        sents = [text[a:b] for a, b in sentences(text)]
        for i in range(len(sents)):
            window = max(window, coverage(query.units, "".join(sents[i:i + 2])))
    return cover, window, max(max(p.dense, 0.0) for p in top)


def relevance(query: Query, passages: list[Passage]) -> float:
    """0..1: how likely the best passages answer the question at all. (The best sentence's cosine was tried
    as a fourth feature: no gain for Chinese, little for English, and it costs embedding before abstaining.)"""
    if not passages:
        return 0.0
    names = getattr(query, "names", None)
    if names and query.cjk < 0.5:  # 'When did Jiang Duntao take office': the passage holding 江敦涛 is on topic
        query = replace(query, units=query.units + [replace(u, weight=u.weight * NAME_RELEVANCE)
                                                    for u in name_units(names)])
    c = query.cjk
    weights = [c * z + (1 - c) * e for z, e in zip(_ZH, _EN, strict=True)]
    logit = sum(w * v for w, v in zip(weights, (*features(query, passages), 1.0), strict=True))
    return 1 / (1 + math.exp(-logit))


ASKING_REACH = 400  # characters around a passage searched for the line asking what the question says was asked


def shortlist(query: Query, passages: list[Passage], get_text, put=()) -> list[tuple]:
    """The sentences of the top passages best covering the question, near-duplicates dropped; with `put` (the
    units of a question the text is said to ask, shapes.put_units) also the lines best covering those, which
    names of the asker and the replier would otherwise crowd out ('“那占了我们的地咋办？”又有人喊')."""
    cands = []  # (lexical score, passage rank, passage, start, end, text)
    seen = set()
    # The line that asks may sit just outside the passages that name the asker and the replier: with `put`,
    # their neighbourhood is read too ('江一鸣询问道：“…怎么又急于跑我这来？”' a few lines before the reply).
    reach = ASKING_REACH if put else 0
    for rank, p in enumerate(passages[:PASSAGES_FOR_SENTENCES]):
        doc_text = get_text(p.chunk.doc_id)
        for s, e in sentences(doc_text, max(0, p.chunk.start - reach), min(len(doc_text), p.chunk.end + reach)):
            key = search_form(doc_text[s:e]).strip()
            if key in seen:
                continue
            seen.add(key)
            cands.append((coverage(query.units, key), rank, p, s, e, doc_text[s:e]))
    cands.sort(key=lambda c: (-c[0], c[1]))
    if not put:
        return cands[:SHORTLIST]
    asking = sorted(((coverage(put, search_form(c[5])), i) for i, c in enumerate(cands[SHORTLIST:], SHORTLIST)),
                    key=lambda ci: -ci[0])[:3]
    return cands[:SHORTLIST] + [cands[i] for cover, i in asking if cover >= 0.5]


def sentence_cosines(query: Query, short: list[tuple], embedder: Embedder) -> np.ndarray:
    return _cache.get(embedder, [fold(c[5]) for c in short]) @ query.vector if short else np.zeros(0)


def compose(query: Query, passages: list[Passage], embedder: Embedder, config: Config,
            get_text) -> Answer:
    """get_text(doc_id) → the document's original text (sentences are cut from it, so quotes are exact)."""
    t0 = time.perf_counter()
    if not passages or relevance(_own_weights(query), passages) < config.abstain_threshold:
        return Answer(query.text, NOT_FOUND, [], True, passages, dict(query.timings_ms))
    reply_wanted, own, put = shapes.asks_reply(query.text), conversation.own_units(query.text), shapes.put_units(
        query.text, query.units)
    replier = shapes.responder_clause(query.text) if reply_wanted else ""
    short = shortlist(query, passages, get_text, put)
    dense = sentence_cosines(query, short, embedder)
    lex_weight = 0.35 + 0.25 * query.cjk  # coverage speaks louder in Chinese, where it is exact
    shape = shapes.detect(query.text)
    near = focus(query.text, query.units) if query.cjk >= 0.5 else ([], [])
    cands, asking = [], []
    for (lex, rank, p, s, e, text), d in zip(short, dense, strict=True):
        fragment = 0.15 if len(text) < MIN_SENTENCE_CHARS else 0.0  # headings and fragments rarely answer
        score = lex_weight * lex + (1 - lex_weight) * float(d) - 0.04 * rank - fragment
        # The words beside the question word say what is asked ('内容分为哪几类'), a document's rare names ('澄州')
        # only where: a sentence holding the asked words gains over one holding the names (a list doubly so).
        score += FOCUS_BONUS * ((2 if shape.kind == shapes.LIST else 1) * focus_share(near, search_form(text))
                                - 2 * sibling_clash(query.text, search_form(text)))  # '城北…' for '城东…吗
        put_share = coverage(put, search_form(text)) if put else 0.0
        asks = is_question(text)
        if (reply_wanted or shape.kind == shapes.YES_NO) and asks:  # the question asked in the text leads to
            score += FOCUS_BONUS * (1 + put_share)  # the reply: the one asking what the question says was asked
        score += conversation.OWN_BONUS * coverage(own, search_form(text))  # a follow-up's own words ('那配套呢')
        cands.append(Cand(score, lex, rank, p, s, e, text))
        if asks and put_share >= 0.5 and not speakers.said_by(get_text(p.chunk.doc_id), s, replier):
            asking.append(cands[-1])  # (the one who replies asking back is not the question put to them)
    cands.sort(key=lambda c: -c.score)
    # 'X问A，Y怎么说': the line that asks A leads (its reply answers), however much narration names X and Y.
    if asking:
        lead = max(asking, key=lambda c: c.score)
        cands = [lead] + [c for c in cands if c is not lead]
    plan = shaped(shape, query, cands, get_text, _topic(query, cands[0].text))
    if plan is None:
        plan = _best_sentences(cands, get_text, config)
    elif plan.lead.startswith("**"):
        # The usual best sentences stay (the span alone can be wrong, and the context around it is what lets
        # a reader check it); the short answer's own sentence goes first when they do not already hold it.
        usual = _best_sentences(cands, get_text, config).parts
        held = [(p.passage.chunk.doc_id, s, e) for p in usual for s, e in p.spans]
        extra = [Part(p.passage, [(s, e) for s, e in p.spans if not any(
            d == p.passage.chunk.doc_id and hs <= s and e <= he for d, hs, he in held)]) for p in plan.parts]
        plan.parts = [p for p in extra if p.spans] + usual
    if config.answer_sentences <= 1 and plan.parts:  # "short" asked for: the one passage that answers first
        plan.parts = [Part(plan.parts[0].passage, plan.parts[0].spans[:1], plan.parts[0].item)]
    text, citations = _render(plan, get_text)
    return Answer(query.text, text, citations, plan.abstained, passages,
                  {**query.timings_ms, "answer": (time.perf_counter() - t0) * 1e3})


def _own_weights(query: Query) -> Query:
    """Abstention is calibrated on whole questions: a follow-up ('为什么这么低？') is judged with the words
    carried from earlier turns at full weight (they are down-weighted only for choosing sentences)."""
    if not CONTEXT.search(query.text):
        return query
    return replace(query, units=question_units(CONTEXT.sub(lambda m: f" {m.group(1)} ", query.text)))


def _topic(query: Query, sentence: str) -> str:
    """What the question is about, in its own words, for the 'not stated' note: its two weightiest units that
    the best sentence contains (else the two weightiest)."""
    sf = search_form(sentence)
    units = sorted(query.units, key=lambda u: -u.weight)
    found = [u.label for u in units if u.found(sf) >= 1.0] or [u.label for u in units]
    return "“" + "”“".join(found[:2]) + "”" if found else "这个话题"


def _best_sentences(cands: list[Cand], get_text, config: Config) -> Plan:
    """The best sentence with close runners-up and its paragraph neighbours. A best sentence that asks is
    context: the reply after it is the answer."""
    best = cands[0]
    asking = _line_question(best, get_text)
    if asking:
        # The best sentence is, or belongs to, a question someone asks in the text: answer with the reply.
        reply = answer_slices(asking, get_text)
        if reply[0] != (asking.start, asking.end):
            return Plan([Part(best.passage, sorted({(best.start, best.end), (asking.start, asking.end)})),
                         Part(best.passage, reply)])
    chosen = [best]
    used = len(best.text)
    for c in cands[1:]:
        if len(chosen) >= config.answer_sentences:
            break
        if (c.score >= RUNNER_UP_RATIO * best.score and used + len(c.text) <= config.answer_chars
                and not is_question(c.text)):
            chosen.append(c)
            used += len(c.text)
    spans = _with_neighbours([(c.score, c.rank, c.passage, c.start, c.end) for c in chosen], get_text,
                             config.answer_chars - used)
    return Plan([Part(p, [(s, e)]) for _, _, p, s, e in spans])


def _line_question(best: Cand, get_text) -> Cand | None:
    """best itself when it asks; else the question that ends best's line when best opens a quoted utterance
    that ends by asking ('她问道：“…排在最后，…。我想问…？”')."""
    if is_question(best.text):
        return best
    text = get_text(best.passage.chunk.doc_id)
    end = text.find("\n", best.end)
    line = sentences(text, best.end, len(text) if end < 0 else end)
    if line and "“" in text[text.rfind("\n", 0, best.start) + 1:best.end] and is_question(text[slice(*line[-1])]):
        s, e = line[-1]
        return Cand(best.score, best.lex, best.rank, best.passage, s, e, text[s:e])
    return None


def _render(plan: Plan, get_text) -> tuple[str, list[Citation]]:
    """Text with [n] after each slice (shown without Markdown markup), list items one per line after '- '."""
    citations: list[Citation] = []
    prose: list[str] = []
    lines: list[str] = [plan.lead] if plan.lead else []
    for part in plan.parts:
        doc = get_text(part.passage.chunk.doc_id)
        spans = part.spans if part.item else _merge(doc, part.spans)
        pieces = []
        for s, e in spans:
            n = len(citations) + 1
            citations.append(Citation(n=n, doc_id=part.passage.chunk.doc_id, chunk_id=part.passage.chunk.id,
                                      source=part.passage.source, start=s, end=e, quote=doc[s:e],
                                      score=part.passage.score))
            pieces.append(f"{plain(doc[s:e]).strip()}[{n}]")
        if part.item:
            lines.append("- " + "".join(pieces))
        else:
            prose.extend(pieces)
    if prose:
        lines.insert(1 if plan.lead else 0, "".join(prose) if _all_cjk_end(prose) else " ".join(prose))
    return "\n".join(lines), citations


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching sentences (nothing but spaces between them on one line) become one citation."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and not text_gap(text, out[-1][1], s):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _with_neighbours(chosen, get_text, budget: int) -> list[tuple]:
    """The best sentence rarely stands alone: the answer to 'how many' or 'what did he order' often sits in
    the next sentence of the same paragraph. Spend what is left of the length budget on the best sentence's
    paragraph neighbours (next first, then previous), then merge touching sentences of one document into one
    citation. Returns (score, rank, passage, start, end) in reading order."""
    spans = [(c[0], c[1], c[2], c[3], c[4]) for c in chosen]
    score, rank, p, s, e = spans[0]
    text = get_text(p.chunk.doc_id)
    para_start = text.rfind("\n", 0, s) + 1
    para_end = text.find("\n", e)
    para = sentences(text, para_start, len(text) if para_end < 0 else para_end)
    i = next((k for k, (a, b) in enumerate(para) if a <= s < b), None)
    taken = {(a, b) for _, _, _, a, b in spans}
    if i is not None:
        for j in (i + 1, i - 1, i + 2, i - 2):
            if 0 <= j < len(para) and para[j] not in taken and para[j][1] - para[j][0] <= budget:
                budget -= para[j][1] - para[j][0]
                spans.append((score, rank, p, *para[j]))
                taken.add(para[j])
    # Reading order: passages by rank, sentences by position; touching sentences of a document merge.
    spans.sort(key=lambda x: (x[1], x[2].chunk.doc_id, x[3]))
    merged: list[tuple] = []
    for sp in spans:
        last = merged[-1] if merged else None
        if last and last[2].chunk.doc_id == sp[2].chunk.doc_id and not text_gap(get_text(sp[2].chunk.doc_id),
                                                                                  last[4], sp[3]):
            merged[-1] = (max(last[0], sp[0]), last[1], last[2], last[3], max(last[4], sp[4]))
        else:
            merged.append(sp)
    return merged


def text_gap(text: str, end: int, start: int) -> bool:
    """True when something other than spaces (within one line) lies between two sentences."""
    if start < end:
        return False
    between = text[end:start]
    return bool(between.strip()) or "\n" in between


def _all_cjk_end(parts: list[str]) -> bool:
    return all(not p[:1].isascii() for p in parts)
