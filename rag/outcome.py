"""'How was it solved in the end?' when the documents give only the plan: not stated.

Chapters of this genre end on orders ('两周内拿出解决方案，报常务会研究'), minutes on what is to be done. A question
asking for the outcome ('最后是怎么解决的', '结果如何', '解决了吗') is not answered by the plan: when the
on-topic sentences only order, plan or defer, and none reports something done, we say the outcome is not stated.
"""
from __future__ import annotations

import re

from .normalize import search_form
from .plans import Cand, Part, Plan, answer_slices

# The question asks what happened in the end, not what was ordered.
ASKS_OUTCOME = re.compile(r"(最后|最终|后来|结果)[^，。？?]{0,12}(解决|处理|落实)(的|了)|"
                          r"(解决|处理|落实)(得怎么样|了吗|了没有)|结果(是什么|如何|怎么样|怎样)")
# A sentence that only plans: an order, a deadline ahead, a study to come.
_PLANS = re.compile(r"要|将|会|拿出|研究|争取|力争|计划|拟|方案|尽快|抓紧|限期|以内|内完成|之前|前完成|报")
# A sentence that reports an outcome.
_DONE = re.compile(r"(?<![没未不])(已经|已[^经]|完成了|解决了|落实了|办结|得到解决|到位了|最终|最后|结果)")
ON_TOPIC = 0.6  # share of the best sentence's coverage


def outcome_unstated(question: str, topic: str, cands: list[Cand], get_text) -> Plan | None:
    """A 'not stated' plan when an outcome is asked and the on-topic sentences only plan; else None."""
    if not cands or not ASKS_OUTCOME.search(search_form(question)):
        return None
    top = max(c.lex for c in cands)
    near = [c for c in cands[:4] if c.lex >= ON_TOPIC * top]
    texts = [search_form(c.text) for c in near]
    if any(_DONE.search(t) for t in texts) or not _PLANS.search(texts[0]):
        return None
    note = (f"文档提到了{topic}，但没有说明最后的结果，只有安排。"
            f"(The documents mention {topic}, but state only what was planned, not the outcome.)")
    best = near[0]
    return Plan([Part(best.passage, answer_slices(best, get_text))], lead=note, abstained=True)
