"""What kind of answer a question wants, from its wording alone (Chinese or English): pure, no model.

The kind decides the answer's shape (answer.py): a list question gets every item of the passage that gives
them; who / when / how many / where get the short span itself first; an attitude question gets the person's
own words; the rest get the best sentences. Patterns work on the search form (simplified, lower case), so a
traditional question reads the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import search_form

LIST, WHO, WHEN, HOW_MANY, WHERE, WHY_HOW, ATTITUDE, YES_NO, OTHER = (
    "list", "who", "when", "how_many", "where", "why_how", "attitude", "yes_no", "other")
FACTOID = (WHO, WHEN, HOW_MANY, WHERE)  # kinds answered by a short span

_NUM = "一二两三四五六七八九十"
# Nouns that make "几点/哪几/什么…" a request for several things, not a time or a single fact.
_ITEMS = ("要求|措施|举措|任务|部署|指示|意见|建议|工作|事情|事|方面|重点|原则|目标|举动|政策|办法|步骤|问题|条件|做法|"
          "转变|变化|内容|成果|成效|亮点|特点|安排|承诺|规定|环节|机制|行动|项目|领域|产业|条|答复|表态")

# A named organization is asked for ('哪家第三方机构', '施工单位是哪家公司'): a generic one ('第三方机构') is no answer.
_COMPANY = (r"哪(一)?家|(什么|哪个)(公司|企业|机构|集团|银行)|"
            r"(施工|承建|建设|设计|监理|运营|中标|承办)(单位|方|企业|公司)(是|为)(谁|哪|什么)")

_ZH = [
    (ATTITUDE, re.compile(r"态度|看法|怎么看|如何看|怎样看|看待|(怎么|如何|怎样)评价|评价(如何|怎么样)|什么评价|"
                          r"观点|立场|怎么想|如何想|什么意见|"
                          r"怎么说的?[？?]?$")),
    (LIST, re.compile(rf"哪些|哪几|有几[点条项个件]({_ITEMS})|几点({_ITEMS})|"
                      rf"哪[“\"'‘「]?[{_NUM}]+[个项条点件大句招]|"
                      rf"(提出|要求|布置|部署|交代|强调|采取|推出|出台|做)了?(什么|哪|那些)|"
                      rf"什么({_ITEMS})|({_ITEMS})(是|有)(什么|哪)|做了什么|干了什么|表了?什么态|表态|"
                      rf"(承诺|答应|保证)了?(什么|哪)")),
    (WHO, re.compile(r"谁|哪位|何人|什么人|哪个人|哪一位|由哪个(部门|单位)|叫什么名字|姓名|叫什么|" + _COMPANY)),
    (WHEN, re.compile(r"几几年|什么时候|何时|哪年|哪一年|哪天|哪一天|几月|几号|几日|几点|什么时间|哪个月|何年|哪个季度|"
                      r"什么日子|多会儿|截止到?什么")),
    (HOW_MANY, re.compile(r"多少|几[个名位家项次年天月人亿万元岁倍成件条所座辆台套户批层场届期种类]|多大(?!学)|"
                      r"多长|多高|多久|多远|多重|多快|(多大|多少|几)的?比例|比例(是|为|有)多少|百分之几|几成|总额|金额|数量|规模多")),
    (WHERE, re.compile(r"(?<!从)哪里(?!来)|(?<!从)哪儿(?!来)|何处|何地|什么地方|哪个(城市|省|国家|地方|区|县|镇|村|"
                       r"地区)|"
                       r"在哪|去哪|哪座|位于|哪一?站")),
    (WHY_HOW, re.compile(r"为什么|为何|怎么(?!样)|如何|怎样|原因|为啥|哪里来|哪儿来|从哪|来源|目的")),
    (YES_NO, re.compile(r"是否|是不是|有没有|能不能|会不会|可不可以|要不要|[吗么][？?]?$")),
]

_EN_COMPANY = r"\b(which|what) (company|firm|enterprise|corporation|group|bank|agency|institution|organi[sz]ation)\b"

_EN = [
    # 'What are the daily drop-off hours…': a time asked in list wording
    (WHEN, re.compile(r"\bwhat (is|are|was|were) the [\w\s-]{0,40}\b(hours|times?|dates?|deadlines?)\b")),
    (ATTITUDE, re.compile(r"\b(attitude|opinion|view|views|stance|think|feel|position)\b|what did .* say about")),
    (LIST, re.compile(r"\bwhat (did|does|do|has|have|will) .*\b(order|ask|require|demand|propose|request|"
                      r"announce|plan|instruct|decide|do|want|urge|call|promise|pledge)\w*\b|\bwhat (are|were) the\b|"
                      r"\b(measures|steps|requirements|orders|demands|tasks|actions|points|instructions|"
                      r"priorities|list)\b|\bwhich \w+s\b")),
    (WHO, re.compile(r"^\s*(who|whom|whose)\b|\bwho\b|" + _EN_COMPANY)),
    (WHEN, re.compile(r"\bwhen\b|what (time|year|date|day|month)|which (year|day|month)")),
    (HOW_MANY, re.compile(r"\bhow (many|much|long|old|big|large|far|high)\b|what (percentage|share|proportion|amount|"
                          r"number)|what (is|was|are|were) the (budget|cost|price|fare|fee|amount|number|total|"
                          r"population|area|length|investment|subsidy)\b")),
    (WHERE, re.compile(r"\bwhere\b|which (city|country|place|province|district|county|town)")),
    (WHY_HOW, re.compile(r"\b(why|how)\b")),
    (YES_NO, re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|will|would|has|have|had|should)\b")),
]

_COUNT = re.compile(rf"([{_NUM}]|\d+)[个项条点件大方面句招]")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十", 0)} | {"两": 2}


_KNOWN_UNITS = frozenset("元 万元 亿元 钱 名 人 人次 工作日 个工作日 "
                         "个 位 家 项 件 条 次 岁 年 个月 月 天 日 小时 分钟 公里 米 亩 吨 座 "
                         "所 辆 台 套 户 "
                         "倍 成 颗 列 届 场 批 种 部 本 张".split())
_NOUN_UNITS = (
    ("%", re.compile(r"百分比|百分之几|比例|比率|占比|百分点")),
    ("元", re.compile(r"资金|钱|投资|预算|费用|经费|价格|票价|起步价|补贴|补助|收入|营收|成本|金额|总额|造价|奖金|"
     "工资")),
    ("人", re.compile(r"人数|多少人|员工|职工|居民|群众|学生|游客|人员")),
)


_EN_UNITS = (
    ("公里", re.compile(r"\bhow long (is|was|are|were) (the |phase|line|section|road|river|tunnel)|"
                       r"\b(length|how far)\b")),
    ("元", re.compile(r"\bhow much (money|does|did|will|is the (cost|budget|price|fare|fee))|\b(budget|cost|price|fare|"
                     r"fee|investment|subsidy|funding)\b")),
    ("人", re.compile(r"\bhow many (people|persons|residents|workers|staff|employees|students|passengers|visitors)\b")),
)


# Sums of money named by what they are ('出价多少', '利息损失是多少'): they say the unit (元) and must be held by
# the sentence that states them, so they stay focus words, unlike the generic value nouns above.
PRICED = re.compile(r"出价|报价|价钱|损失|利息|罚款|罚金|赔偿|赔款|补偿款|税款|债务|负债|欠款|租金|房租|学费|门票")


def unit_noun(word: str) -> bool:
    """A word that says what the asked figure is measured in ('投资', '资金', '人数'): it names the value, not
    what the value is of, so it is not part of a question's focus (factoid.py)."""
    return any(nouns.fullmatch(word) or nouns.search(word) and len(word) <= 3 for _, nouns in _NOUN_UNITS)


# '许一帆问秦牧之这个项目能不能落下来，秦牧之怎么回答？': the answer is the reply to a question in the text.
_ASKS_REPLY = re.compile(r"问.{2,40}[，,].{0,8}(怎么|如何|是怎么|是如何)(回答|答复|回应|说|讲|解释|说明)|"
                         r"(回答|答复)(是什么|了什么)")


def asks_reply(question: str) -> bool:
    return bool(_ASKS_REPLY.search(search_form(question)))


_PUT = re.compile(r"问(?:道|起|了|过)?(.{2,40}?)[，,]")


def put_units(question: str, units: list) -> list:
    """The question's units inside the question it says was asked in the text ('陆远舟问茶叶卖不卖得出去，…'
    → 茶叶, 卖, 出去): the line in the text that asks them is the one whose reply answers."""
    m = _PUT.search(search_form(question)) if asks_reply(question) else None
    if not m:
        return []
    # The one asked, who replies ('问杜宏远为什么急着来找他，杜宏远…'), is 'you' in the line that asks: not a
    # word to find that line by.
    put, replier = m.group(1), responder_clause(question)
    asked = put[len(replier):] if replier and put.startswith(replier) else put
    return [u for u in units if u.found(asked) >= 1.0 and not (asked != put and u.found(replier) >= 1.0)]


# '贺振东替罗家明说情，顾承安是怎么回应的？': who replies, named in the clause before 怎么回应; their own words
# answer, read like an attitude (shaped.own_words).
_RESPONDS = re.compile(r"(?:^|[，,])\s*([^，,。？?]{2,12}?)(?:是|又是|当时是|当场)?(?:怎么|如何|怎样)"
                       r"(?:回答|回应|答复|回复|表态|应对|说|讲|解释|说明)的?[？?]?$")


def responder_clause(question: str) -> str:
    """The clause naming who replies ('…，顾承安是怎么回应的' → 顾承安), '' when the question does not ask
    how someone replied."""
    m = _RESPONDS.search(blank_carried(search_form(question)).strip())
    return m.group(1).strip() if m else ""


# The earlier topic of a follow-up that names only a generic value ('比例是多少？', conversation.py): searched
# at full weight (unlike 〔…〕, units.CONTEXT), but like it never the focus of what is asked.
TOPIC = re.compile(r"⟦([^⟦⟧]*)⟧")


def blank_carried(question_sf: str) -> str:
    """The question with words carried from earlier turns blanked (same length, so positions hold)."""
    return re.sub(r"〔[^〔〕]*〕|⟦[^⟦⟧]*⟧", lambda m: " " * len(m.group()), question_sf)


@dataclass(frozen=True)
class Shape:
    kind: str
    count: int = 0   # how many items a list question names ("哪五个转变" → 5), 0 when it does not say
    unit: str = ""   # the measure word a how-many question asks in ("多少名" → 名)

    @property
    def factoid(self) -> bool:
        return self.kind in FACTOID


def detect(question: str) -> Shape:
    q = re.sub(r"〔[^〔〕]*〕|⟦[^⟦⟧]*⟧", "", search_form(question)).strip()  # words carried from earlier turns
    english = not re.search(r"[\u4e00-\u9fff]", q)
    kind = next((k for k, pattern in (_EN if english else _ZH) if pattern.search(q)), OTHER)
    if (kind in FACTOID or kind == ATTITUDE) and asks_reply(q):
        kind = OTHER  # '询问试点何时启动，医保局怎么答复', 'X问…怎么办，市长怎么说': the reply is asked for
    count = unit = 0
    if kind == LIST and not english:
        m = _COUNT.search(q)
        if m:
            count = int(m.group(1)) if m.group(1).isdigit() else _CN_DIGITS.get(m.group(1), 0)
    if kind == HOW_MANY and english:  # the English words say the measure ('how long is the line' → 公里)
        unit = next((u for u, words in _EN_UNITS if words.search(q)), "")
    elif kind == HOW_MANY:
        m = re.search(r"(?:多少|几)(百分比|个工作日|工作日|人次|个月|小时|"
                      r"公里|公吨|公斤|公顷|平方米|平方公里|万元|亿元|公分|分钟|"
                      r"[^\s，。？?的是])", q)
        unit = m.group(1) if m else ""  # spans.py uses it only when it is a measure word it knows
        if unit not in _KNOWN_UNITS:  # '需要多少资金': the noun says the unit
            unit = next((u for u, nouns in (*_NOUN_UNITS, ("元", PRICED)) if nouns.search(q)), unit)
    if kind == HOW_MANY and re.search(r"第几|第多少|排[^，。？?]{0,6}?(多少|几)[位名]", q):
        unit = "第"  # an ordinal is asked: '排第几名' is answered by '第二大'
    if kind == WHEN and "几点" in q:
        unit = "点"
    if kind == WHO and re.search(r"由谁|谁(负责|牵头|出|承担|组织|主办|管|来)|哪个(部门|单位)", q):
        unit = "org"  # an organization answers 'who pays / who leads' as often as a person
    if kind == WHO and re.search(_COMPANY if not english else _EN_COMPANY, q):
        unit = "company"
    return Shape(kind, count, unit or "")
