"""People named by surname and title: in the documents ('杜总', '林市长', '司徒书记') and in English questions
('Mayor Lin', 'Secretary Situ', 'County Head Yan').

Why: officialdom text names a person in full once and then by surname and title, and an English reader asks
the same way. The pinyin table (pinyin.py) keeps the titled forms the corpus uses and links each to the one
full name of that surname its document names far more often than any other ('杜总' → 杜宏远); a question's
'Mayor Lin' then reads as 林市长 and, where linked, 林守拙. The surnames: the commonest (SURNAMES, which the
answer composer also uses), rarer single-character ones of the Hundred Family Surnames that are seldom
anything else in running text, and the compound ones (司徒, 欧阳).
"""
from __future__ import annotations

import re
from collections import Counter

# The commonest surnames (one character): a single-character token from this set starts a name jieba split.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
               "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
               "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
               "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉"
               "缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇"
               "桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
# Rarer surnames of the Hundred Family Surnames whose character is seldom a word of its own in running text
# (not 水, 云, 平, 能, 通…): only the pinyin table glues names with them.
RARE_SURNAMES = set("扈仉籍宓郗隗昝訾乜鞠逯蒯厍殳阚晁湛邴郜蔺郦璩濮郏庾暨阙夔莘逄钭嵇荀芮羿糜蓟邰鄂胥"
                    "桓竺鄢酆廉祢缑佴")
COMPOUND_SURNAMES = frozenset("司徒 欧阳 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司马 夏侯 令狐 端木 独孤 南宫 "
                              "西门 轩辕 呼延 澹台 公冶 太史 申屠 钟离 闾丘".split())
NAME_SURNAMES = SURNAMES | RARE_SURNAMES

# How the text names someone by surname and title.
TITLES = ("总", "董", "书记", "副书记", "市长", "副市长", "区长", "副区长", "县长", "副县长", "省长", "副省长", "镇长",
          "乡长", "局长", "部长", "厅长", "处长", "科长", "主任", "秘书长", "董事长", "总经理", "经理", "老板", "老师",
          "队长", "所长", "院长", "校长", "主席", "司令")
_TITLE_RE = "|".join(sorted(TITLES, key=len, reverse=True))
_TITLED = re.compile(f"({'|'.join(sorted(COMPOUND_SURNAMES))}|[{''.join(sorted(NAME_SURNAMES))}])({_TITLE_RE})")
ALIAS_DOMINANCE = 3  # the full name must occur this many times more often than any other of its surname
_FUNCTION = set("的了是在和与说道着过也都就还又而把被对向从给让这那个们么吗呢吧啊呀哦")

# An English title before a surname in pinyin ('Mayor Lin', 'County Head Yan') → the Chinese titles it stands for.
ENGLISH_TITLES = {
    "mayor": ("市长",), "vice mayor": ("副市长",), "deputy mayor": ("副市长",),
    "secretary": ("书记",), "party secretary": ("书记",), "deputy secretary": ("副书记",),
    "governor": ("省长",), "vice governor": ("副省长",),
    "county head": ("县长",), "county chief": ("县长",), "county magistrate": ("县长",),
    "district head": ("区长",), "district chief": ("区长",), "township head": ("乡长",), "town head": ("镇长",),
    "director": ("局长", "主任"), "bureau chief": ("局长",), "minister": ("部长",),
    "chairman": ("董事长", "主席"), "president": ("总", "董事长"), "general manager": ("总经理", "总"),
    "manager": ("经理",), "principal": ("校长",), "dean": ("院长",), "teacher": ("老师",),
}
_ENGLISH_TITLE = re.compile(
    r"\b(%s)\s+([A-Z][a-z]+)\b(?!\s+[A-Z][a-z])" % "|".join(
        t.title() if " " in t else f"{t.title()}|{t}" for t in sorted(ENGLISH_TITLES, key=len, reverse=True)))


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


def titled_forms(text: str) -> Counter:
    """Surname-and-title forms in a text (search form): '杜总', '司徒书记'."""
    return Counter(m.group() for m in _TITLED.finditer(text))


def links(text: str, titled: Counter, words: dict[str, int], known) -> list[tuple[str, str]]:
    """(titled form, full name) pairs for one document (search form `text`, its jieba words with counts).
    A full name is a word of it read at least twice, two to four characters, a surname first, not a word of
    jieba's dictionary (`known`: '江城', '高度' are not people). It gets
    - the titled forms of its surname when it is read ALIAS_DOMINANCE times more often than any other name of
      that surname there ('杜总' → 杜宏远);
    - its surname with a title the text writes right before or after it ('县长鄢北辰' → 鄢县长), so that
      'County Head Yan' finds the person though the text never says 鄢县长."""
    people: dict[str, list[tuple[int, str]]] = {}
    for t, n in words.items():
        s = surname_of(t)
        if (s in NAME_SURNAMES or s in COMPOUND_SURNAMES) and len(s) < len(t) <= len(s) + 2 and n >= 2 \
                and not known.get(t) and t[len(s):] not in TITLES and t[-1] not in _FUNCTION:
            people.setdefault(s, []).append((n, t))
    out = []
    for form in sorted(titled):
        s = form[:2] if form[:2] in COMPOUND_SURNAMES else form[0]
        ranked = sorted(people.get(s, []), reverse=True)
        if ranked and (len(ranked) == 1 or ranked[0][0] >= ALIAS_DOMINANCE * ranked[1][0]):
            out.append((form, ranked[0][1]))
    for s, ranked in sorted(people.items()):
        for _, name in ranked:
            out += [(s + title, name) for title in TITLES
                    if len(title) > 1 and (title + name in text or name + title in text)]
    return list(dict.fromkeys(out))


def titled_in_question(question: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, surname as written, Chinese titles) of each 'Mayor Lin' of an English question; a title
    followed by a full name ('Mayor Lin Shouzhuo') is left to the name matching."""
    out = []
    for m in _ENGLISH_TITLE.finditer(question):
        out.append((m.start(), m.end(), m.group(2), ENGLISH_TITLES[" ".join(m.group(1).lower().split())]))
    return out
