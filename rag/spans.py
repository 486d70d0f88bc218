"""Pieces of a sentence: is it a question, what short span answers a who/when/how-many/where question, and
the sentence without Markdown markup for display.

All matching runs on the search form (same length as the original, see normalize.py), so a span found there is
cut from the original text at the same offsets: traditional stays traditional in the answer.
"""
from __future__ import annotations

import re

from .normalize import search_form
from .people import COMMON_WORD, TITLES, people, tagged_words, word_freq
from .shapes import HOW_MANY, WHEN, WHERE, WHO

_CLOSE = "”’」』\"')）】》 \t"
# A sentence that asks: ends with a question mark, or with a question particle before its final mark.
_ASKS = re.compile(r"[？?]$|[吗么呢][。！!…~～]*$|(是否|是不是|有没有|能不能|会不会|多少|几个|怎么样|为什么|为何|"
                   r"如何|何时|"
                   r"哪里|哪儿|哪个|谁)[^。！!；;]{0,12}[呢吗][。…]*$")


def is_question(sentence: str) -> bool:
    """True for a sentence that asks rather than states ('…资金支持力度是多少?”', '去雷书记那边报到了吗')."""
    s = search_form(sentence).rstrip(_CLOSE)
    return bool(_ASKS.search(s))


# ---------- markup ----------
_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+•●○■□◆◇▪]\s*|>\s*)")
_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`)")


def plain(text: str) -> str:
    """Display form of a document slice: no Markdown heading marks, list bullets, emphasis or code ticks.
    The citation keeps the exact slice; only what the reader sees is cleaned."""
    lines = [_EMPH.sub("", _LEAD.sub("", line)) for line in text.split("\n")]
    return "\n".join(line for line in lines)


# ---------- short spans ----------
_DIGITS = r"\d+(?:[.,，]\d+)*"
_CN = "零〇一二两三四五六七八九十百千万亿"
_UNIT_LIST = ("万亿元 亿元 万元 千元 美元 欧元 港元 元 块钱 块 角 个百分点 百分点 % ％ 倍 成 名 人次 个人 人 个 位 "
              "家 项 件 条 "
              "次 岁 年 个工作日 工作日 个月 月 周 天 日 小时 分钟 秒 "
              "公里 千米 平方公里 平方米 米 厘米 毫米 亩 公顷 吨 公斤 千克 克 "
              "斤 "
              "座 所 辆 台 套 户 栋 层 张 本 部 场 届 期 批 种 类 支 只 头 篇 首 字 分 度 升 千瓦 兆瓦 瓦 床 间 处 "
              "段 份 "
              "笔 亿 万 千 百 列 颗 艘 架 枚 匹 尾 棵 株 口 句 集 季 章 卷 册 幅 门 节 站 趟 班 队 局 公分 英尺 英里 "
              "码 公吨 "
              "磅 盎司 加仑 个点 票 席 球 分钟 年级 岁时 代 世纪 周年 万人 亿人 人口").split()
_UNITS = "|".join(sorted(_UNIT_LIST, key=len, reverse=True))  # longest first: 个月 before 个
# Units of one kind: a question asking '多少亿元' is not answered by '三个月'.
_UNIT_KINDS = ("元块角钱$¥€£", "名人位户", "年月周天日小时分秒", "%％成倍百分点", "米里亩公顷平方", "吨斤克")
NUMBER = re.compile(rf"(?:约|近|超过|逾|共|达到?|仅|不到|将近|大约)?(?:{_DIGITS}|[{_CN}]{{1,8}}(?:点[{_CN}]{{1,4}})?)"
                    rf"(?:\s?(?:至|到|-|~|－)\s?(?:{_DIGITS}|[{_CN}]{{1,8}}))?(?:多|余|几)?\s?"
                    rf"(?:万|亿|千|百)?(?:多|余)?(?:{_UNITS})(?:(?<=[米块])[一二三四五六七八九](?![十百千万亿]))?|百分之[{_CN}\d.]+|{_DIGITS}"
                    rf"(?:\s?(?:至|到|-|~)\s?{_DIGITS})?")
DATE = re.compile(
    rf"(?:公元前?)?(?:\d{{2,4}}|[〇零一二三四五六七八九]{{2,4}})年(?:\d{{1,2}}|[{_CN}]{{1,3}})月(?:(?:\d{{1,2}}|"
    rf"[{_CN}]{{1,3}})[日号])?|"
    rf"(?:公元前?)?(?:\d{{2,4}}\s?|[〇零一二三四五六七八九]{{4}})年(?:代|初|底|末|内|前|后|春|夏|秋|冬)?|"
    rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})月(?:(?:\d{{1,2}}|[{_CN}]{{1,3}})[日号]|初|中旬|下旬|上旬|底|末)?|"
    r"\d{1,2}[日号](?![线楼院门口站车位])|(?:\d+|[一二三四五六七八九十]+)世纪(?:\d+年代)?|"
    r"(?:今|明|去|前|后)年(?:初|底|年底|内|上半年|下半年)?|(?:下|上|本|这|那)个?(?:月|周|星期|季度)(?:初|底|末|内)?|"
    r"(?:明|今|昨|前|后)天(?:上午|下午|晚上|早上)?|翌日|次日|当天|当晚|年底|年初|(?<![半一两几多])年内|月底|月初|"
    r"(?:第?[一二三四]|下一?个?)季度(?:内|末)?|[一二三四五六七八九十两\d]+个?(?:月|天|周|年|小时)(?:内|之内|以内|后)|"
    r"(?:上午|下午|晚上|凌晨|早上|中午)?(?:\d{1,2}(?:[点时:：]\d{0,2}分?)|(?<![第早晚快慢多少好大小高低远近有])[一二三四五六七八九十]{1,3}(?:点|时(?![间候期代刻]))(?:半|"
    r"[一二三四五六七八九十]+分)?)|星期[一二三四五六日天]|周[一二三四五六日]|"
    r"(?:上午|下午|晚上|凌晨|早上|中午)|(?:春节|元旦|国庆|中秋|端午|清明|除夕|圣诞)(?:节|前后|期间|时期)?|"
    r"[\u4e00-\u9fff]{1,4}(?:时期|期间|年间|初期|末期|年代|朝)")
_PLACE_SUFFIX = re.compile(r"省|市|区|县|镇|乡|村|街道|路|街|站|园区|大厦|大厅|中心|广场|会议室|公园|机场|车站|大院|"
                           r"大学|"
                           r"学院|医院|港|湾|岛")
# An organization answers 'who pays / who leads' as often as a person does ('由区财政补贴一半').
_ORG = re.compile(r"(?<=[由归请是])[\u4e00-\u9fff]{1,8}?(?:局|委员会|委|办公室|办|部|厅|处|大队|队|中心|公司|集团|"
                  r"政府|财政|"
                  r"街道|社区|医院|学校)")


# '由区长任组长', '由分管副区长担任': an office answers 'who heads it' when the text names no person.
_HOLDER = re.compile(r"(?<=由)[\u4e00-\u9fff]{0,6}?(?:%s)(?=任|担任|兼任|出任|牵头|负责)" % "|".join(TITLES))


def office_holders(sf: str) -> list[tuple[int, int]]:
    return [m.span() for m in _HOLDER.finditer(sf)]


# A company or institution by name ('安澜市政建设集团', '华信会计师事务所'), not a generic one ('第三方机构',
# '有资质的单位', '一家公司').
_NAMED_ORG = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,14}?(?:有限责任公司|股份有限公司|有限公司|股份公司|"
                        r"公司|集团|科技|实业|控股|置业|传媒|研究院|设计院|研究所|事务所|银行|大学|学院|医院|机构|协会|工程局|[一二三四五六七八九十\d]+局)")
_GENERIC_ORG = re.compile(r"第三方|相关|有关|有资质|资质|专业|社会|其他|其它|各|该|这|那|一家|多家|几家|哪|什么|"
                          r"国有|民营|[委托聘请引入邀请由向与和的]")


def named_organizations(sf: str) -> list[tuple[int, int]]:
    out = []
    for m in _NAMED_ORG.finditer(sf):
        name = m.group()
        # keep the words after a verb or particle ('委托华信会计师事务所' → 华信会计师事务所)
        cut = max((name.rfind(ch) for ch in "委托聘请引入邀请由向与和的是为"), default=-1)
        start = m.start() + cut + 1
        head = sf[start:m.end()]
        prefix = head[:-2]
        # '制作公司', '施工单位': a verb before the suffix says what kind, not which ('大麦科技' is a name)
        common = len(prefix) == 2 and word_freq(prefix) > COMMON_WORD and tagged_words(prefix)[0][1][:1] == "v"
        if len(head) >= 4 and not _GENERIC_ORG.search(prefix) and not common:
            out.append((start, m.end()))
    return out


def organizations(sf: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ORG.finditer(sf)] + [(p, p + len(w)) for w, f, p in tagged_words(sf) if f == "nt"]


def places(sf: str) -> list[tuple[int, int]]:
    """Place names (jieba's ns/nt), a word ending in a place suffix, a name followed by its suffix ('永昌'+'区')."""
    out = []
    tagged = tagged_words(sf)
    for i, (w, flag, pos) in enumerate(tagged):
        end = pos + len(w)
        if i + 1 < len(tagged) and _PLACE_SUFFIX.fullmatch(tagged[i + 1][0]):
            end += len(tagged[i + 1][0])
        compound = end > pos + len(w) and len(w) >= 2 and flag[:1] in ("n", "v")  # 接待 + 大厅, 信访 + 局
        if (flag in ("ns", "nt") and len(w) >= 2) or (len(w) >= 3 and _PLACE_SUFFIX.search(w[-2:])) or compound:
            out.append((pos, end))
    return out


def find_spans(kind: str, sentence: str, unit: str = "", articles: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every span of this kind in a sentence (offsets into the sentence). '一个' is left out
    as an article unless `articles` (or it is an ordinal: '第一批')."""
    sf = search_form(sentence)
    if kind == HOW_MANY and unit == "第":
        return [m.span() for m in re.finditer(r"第\s?[\d一二三四五六七八九十百]+", sf)]
    if kind == HOW_MANY:
        # '第一篇' is an ordinal, not a count; '一个' an article unless `articles`.
        found = [m.span() for m in NUMBER.finditer(sf) if not _is_date(sf, m) and sf[m.start() - 1:m.start()] != "第"
                 and (articles or not _article(m.group()))]
        # "多少名" asks for a count of people: numbers in a unit of that kind only, that unit first.
        if unit and (unit in _UNIT_LIST or any(unit[-1] in k for k in _UNIT_KINDS)):
            kind_of = next((k for k in _UNIT_KINDS if unit[-1] in k), unit)
            # '3到5万', '2亿' carry only a magnitude: they fit any kind of unit.
            in_unit = [s for s in found if _unit_char(sf, s[1]) in kind_of + "万亿"
                       or ("%" in kind_of and sf[s[0]:s[1]].startswith("百分之"))]  # '百分之五十' is a share
            # A bare number ('2至4犬齿') still answers when none is given in that unit; '三个月' never
            # answers '多少亿元'.
            loose = kind_of == unit  # a measure word of no known kind ('颗'): a bare number may still answer
            money = "元" in kind_of  # 'NT$25,000': a currency sign before a bare number
            found = in_unit or [s for s in found
                                if loose or (money and re.search(r"[$¥€£]\s?$", sf[max(0, s[0] - 3):s[0]]))]
            found.sort(key=lambda s: not sf[s[0]:s[1]].endswith(unit))
        return found
    if kind == WHEN:
        found = [m.span() for m in DATE.finditer(sf)]
        if unit == "点":  # '几点' asks for a time of day, not a weekday
            found = [s for s in found if re.search(r"\d[点时:：]|[一二三四五六七八九十][点时]", sf[s[0]:s[1]])]
        return found
    if kind == WHO:
        if unit == "company":
            return named_organizations(sf)
        return people(sf) or office_holders(sf) or (organizations(sf) if unit == "org" else [])
    if kind == WHERE:
        return places(sf)
    return []


def _unit_char(sf: str, end: int) -> str:
    """The last character of a number's unit: '三米二' ends its unit at 米."""
    return sf[end - 2] if end >= 2 and sf[end - 1] in "一二三四五六七八九" and sf[end - 2] in "米块" else sf[end - 1]


def _article(number: str) -> bool:
    """'一个', '一分钱', '一批': 一 with a measure word is mostly 'a', not a quantity."""
    return number[:1] == "一" and (len(number) == 2 or number[1:] in _UNIT_LIST)


def _is_date(sf: str, m: re.Match) -> bool:
    """'2019年' and '9月' are times, not quantities (unless the question asks how many years)."""
    tail = sf[m.end():m.end() + 1]
    return m.group().isdigit() and tail in ("年", "月", "日", "号") or bool(DATE.fullmatch(m.group()))


def best_span(kind: str, sentence: str, asked: str, unit: str = "", near: list[str] | None = None,
              role: str = "") -> tuple[int, int] | None:
    """The span answering the question: not one the question already names (it asks about something else);
    of several, the one closest to the question's focus words ('院长鲁建国' for '院长是谁'). A person must
    stand within a few characters of a focus word, or be the sentence's speaker. When the question asks the
    name of someone by a word for a person ('来访群众叫什么名字', factoid.asked_role), the name must stand
    next to that word: the speaker of a sentence about them is someone else."""
    q = search_form(asked)
    sf = search_form(sentence)
    spans = [(s, e) for s, e in find_spans(kind, sentence, unit) if sf[s:e] not in q and e - s <= 30]
    if kind == WHO:  # '鲁院长' for '院长是谁': a surname with the asked title is not yet the name
        spans = [(s, e) for s, e in spans if not (sf[s + 1:e] in TITLES and sf[s + 1:e] in q)]
    if kind == WHO and role:
        spans = [sp for sp in spans if near_word(sf, sp, role)]
    if not spans:
        return None
    where = [i for w in (near or []) for i in positions(sf, w)]
    if not where:
        speakers = [sp for sp in spans if _SPEAKS.match(sf[sp[1]:sp[1] + 4])]
        return spans[0] if kind != WHO else (speakers[0] if speakers else None)

    def distance(sp: tuple[int, int]) -> int:
        return min(max(0, w - sp[1], sp[0] - w) for w in where)

    def closeness(sp: tuple[int, int]) -> tuple[int, int]:
        # Near every focus word, not just one: '一般问题3个工作日…复杂问题15个工作日' for '复杂问题多少天'.
        per_word = [min(max(0, i - sp[1], sp[0] - i - len(w)) for i in positions(sf, w))
                    for w in dict.fromkeys(near or []) if w in sf]
        return sum(per_word), distance(sp)
    best = min(spans, key=closeness)
    if kind == WHO and distance(best) > NEAR_PERSON and not _SPEAKS.match(sf[best[1]:best[1] + 4]):
        return None
    return best


NEAR_PERSON = 12


TIGHT, LOOSE = 6, 12  # characters between a date and the question's predicate: its own date, another's


def tightness(words: list[str], sf: str, span: tuple[int, int]) -> int:
    """Characters between a span and the nearest of the question's predicate words in sf (a large number when
    none is there): '11月30日前自行拆除' states the date of 自行拆除, '去年…已经有9户商户主动拆除了' a date
    seventeen characters off, about something else."""
    gaps = [max(0, i - span[1], span[0] - i - len(w)) for w in words for i in positions(sf, w)]
    return min(gaps, default=99)


def near_word(sf: str, span: tuple[int, int], word: str, within: int = NEAR_PERSON) -> bool:
    """True when `word` occurs within a few characters of span (either side) in the search form sf."""
    return any(max(0, w - span[1], span[0] - w - len(word)) <= within for w in positions(sf, word))
_SPEAKS = re.compile(r"(说|道|表示|介绍|指出|认为|强调|回答|回应|回复|告诉|提出|答|汇报)")


def positions(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def tied(dates: list[tuple[int, float, object]]):
    """The first date found, unless it stands far from the predicate and a later one dates it (TIGHT) in a
    sentence holding as much of the question's focus."""
    first = dates[0]
    if first[0] > LOOSE:
        for gap, share, plan in dates[1:]:
            if gap <= TIGHT and share >= first[1]:
                return plan
    return first[2]
