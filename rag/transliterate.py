"""Foreign names written in Chinese characters: an English question's 'Marconi', 'Tesla' or 'Fresno' → the
corpus's 马可尼, 特斯拉, 弗雷斯诺.

Why: a Chinese text writes a foreign name by sound, with a small set of characters (the Xinhua transliteration
table: 马 可 尼 特 斯 拉 弗 雷 诺 …). CC-CEDICT holds only the famous ones, the multilingual model sees a rare
name as noise, and pinyin (pinyin.py) is for Chinese names, spelled exactly. So both sides are reduced to the
sequence of their consonant classes, the part of a name a transliteration keeps ('Marconi' m-k-n, 马可尼
ma-ke-ni m-k-n; 'Wittenberg' w-t-n-b-g, 威腾博格 wei-teng-bo-ge w-t-n-b-g), and compared with an edit distance
in which the sounds Chinese adds or drops (a final -n, 尔 for r/l, h) cost half.

The candidates are the corpus's runs of transliteration characters (split at '·'), read once per document
into the pinyin table (pinyin.py, `foreign`), so matching costs no reading at question time.
"""
from __future__ import annotations

import functools
import re

# Characters of the Xinhua transliteration table in common use (names of people and places); not 派, 教, 人:
# '胡格诺派' is the Huguenot (胡格诺) church.
CHARS = set(
    "阿埃艾爱安昂奥澳巴拔芭白拜班邦保鲍贝本比彼毕宾滨波玻伯勃博布查察达戴丹道德迪狄蒂丁东杜顿多厄恩尔法凡范"
    "菲斐芬丰冯夫弗福富盖甘冈高戈哥格葛根古瓜圭哈海亥汉豪赫黑亨洪胡华怀霍基吉加伽贾杰捷金卡凯坎康考柯科克肯"
    "库夸奎昆拉莱赖兰朗劳勒雷蕾累里理利莉丽连列林琳刘留隆卢鲁陆路伦罗洛吕玛马迈麦曼芒毛梅门蒙孟米密敏明缪摩"
    "莫默姆穆纳娜乃奈南内尼妮涅宁纽努诺欧帕潘庞佩彭皮珀蒲普奇齐恰乔切钦琴琼丘屈萨塞赛桑瑟森沙莎尚绍舍什"
    "施史斯松宋苏索塔泰坦汤唐陶特滕腾提蒂廷通图托瓦娃万汪旺威韦维文温翁沃乌伍武西希锡夏谢辛欣休许雅亚扬"
    "耶伊因英尤约泽扎詹兹祖佐可幼逊茨瑞佛芙露玛薇娅丝堡登底牛卓发叙")
_SPLIT = re.compile(f"[^{''.join(sorted(CHARS))}]+")
FLOOR = 0.8  # share of the consonant sequence that must agree (1 - distance / length)


@functools.lru_cache(maxsize=4096)
def _syllable(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin
    return lazy_pinyin(ch, style=Style.NORMAL)[0]


_ZH_INITIALS = (("zh", "S"), ("ch", "S"), ("sh", "S"), ("b", "B"), ("p", "B"), ("d", "D"), ("t", "D"),
                ("g", "G"), ("k", "G"), ("f", "F"), ("w", "W"), ("l", "L"), ("r", "L"), ("m", "M"), ("n", "N"),
                ("z", "S"), ("c", "S"), ("s", "S"), ("j", "S"), ("q", "S"), ("x", "S"), ("h", "H"), ("y", ""))


def zh_key(term: str) -> str:
    """The consonant classes of a transliteration: each syllable's initial, and N for a final -n/-ng."""
    out = []
    for ch in term:
        py = _syllable(ch)
        for ini, cls in _ZH_INITIALS:
            if py.startswith(ini):
                # 华 hua, 怀 huai: the 'w' of Washington, Warsaw.
                out.append("W" if ini == "h" and py[1:2] == "u" and len(py) > 2 else cls)
                break
        if py == "er":
            out.append("L")
        elif py.endswith(("n", "ng")) and len(py) > 1:
            out.append("N")
    return re.sub(r"(.)\1+", r"\1", "".join(out))  # 卡罗莱纳 K-L-L-N: Carolina K-L-N


_EN_RULES = [(re.compile(p), r) for p, r in (
    (r"ph", "f"), (r"th", "t"), (r"sch", "s"), (r"ch", "s"), (r"sh", "s"), (r"ck", "k"), (r"gh", ""),
    (r"wh", "w"), (r"qu", "kw"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"([a-z])\1", r"\1"),
    (r"(?<=[aeiou])[rwh](?![aeiouy])", ""),  # Marconi 马可尼, Warsaw 华沙, Dewar 杜瓦: r/w/h after a vowel
    (r"^y(?=[aeiou])", "i"),
)]
_EN_CLASS = {"b": "B", "p": "B", "d": "D", "t": "D", "g": "G", "k": "G", "f": "F", "v": "V", "w": "W",
             "l": "L", "r": "L", "m": "M", "n": "N", "s": "S", "z": "S", "j": "S", "h": "H"}


def en_key(word: str) -> str:
    """The consonant classes of an English (or European) name as a Chinese transliteration would keep them."""
    w = re.sub(r"[^a-z]", "", word.lower())
    for pat, rep in _EN_RULES:
        w = pat.sub(rep, w)
    out = "".join(_EN_CLASS.get(ch, "") for ch in w)
    return re.sub(r"(.)\1+", r"\1", out)


_HALF = set("NLH")  # a final -n, 尔, an h: what Chinese adds or drops
_NEAR = {frozenset("WF"), frozenset("WH"), frozenset("BF")}
_SAME = {frozenset("VW"), frozenset("VF")}  # a v is written 维/威 or 弗/夫


def distance(a: str, b: str) -> float:
    prev = [0.0]
    for ch in b:
        prev.append(prev[-1] + (0.5 if ch in _HALF else 1.0))
    for ca in a:
        cur = [prev[0] + (0.5 if ca in _HALF else 1.0)]
        for j, cb in enumerate(b, 1):
            sub = 0.0 if ca == cb or frozenset((ca, cb)) in _SAME else 0.5 if frozenset((ca, cb)) in _NEAR else 1.0
            cur.append(min(prev[j - 1] + sub, prev[j] + (0.5 if ca in _HALF else 1.0),
                           cur[j - 1] + (0.5 if cb in _HALF else 1.0)))
        prev = cur
    return prev[-1]


def similarity(en: str, zh: str) -> float:
    if not en or not zh or len(en) < 2 or len(zh) < 2:
        return 0.0
    pair = frozenset((en[0], zh[0]))
    if en[0] != zh[0] and pair not in _NEAR and pair not in _SAME:
        return 0.0
    return 1 - distance(en, zh) / max(len(en), len(zh))


def runs(text: str) -> list[str]:
    """The runs of two or more transliteration characters in a (simplified) text."""
    return [r for r in _SPLIT.split(text) if 2 <= len(r) <= 8]


def _variants(word: str) -> list[str]:
    """The word's keys, and without an ending a transliteration often leaves out (Huguenots 胡格诺)."""
    w = word.lower()
    forms = [w] + [w[: -len(e)] for e in ("ts", "ds", "s", "t", "d") if w.endswith(e) and len(w) - len(e) >= 3]
    return list(dict.fromkeys(k for k in map(en_key, forms) if len(k) >= 2))


def _vowels(word: str, term: str) -> tuple[int, float]:
    """How alike the syllables are: one character per vowel group (阿波罗 for 'Apollo', not 保罗), then the
    letters, vowels included (阿波罗, not 巴里, both B-L)."""
    from difflib import SequenceMatcher
    groups = len(re.findall(r"[aeiouy]+", word.lower()))
    return -abs(groups - len(term)), SequenceMatcher(None, word.lower(), "".join(map(_syllable, term))).ratio()


@functools.lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from pypinyin import Style, lazy_pinyin
    # Not the interjections 嗯 n, 呣 m, 哼 hng, lone a/e/o, nor ü written v: 'Denver' (de-nv-er), 'Seaman'
    # would read as pinyin.
    return frozenset(s for s in lazy_pinyin("".join(map(chr, range(0x4E00, 0x9FA6))), style=Style.NORMAL)
                     if len(s) > 1 and s.isalpha() and "v" not in s and s not in ("ng", "hm", "hng"))


@functools.lru_cache(maxsize=4096)
def is_pinyin(word: str) -> bool:
    """'Liaochuan' (liao chuan) is a Chinese name spelled in pinyin, not a foreign one written by sound."""
    w, syllables = word.lower(), _syllables()
    ok = [True] + [False] * len(w)
    for i in range(1, len(w) + 1):
        ok[i] = any(ok[j] and w[j:i] in syllables for j in range(max(0, i - 6), i))
    return ok[-1]


def match(word: str, keys: dict[str, list[str]], floor: float | None = None, top: int = 2) -> list[str]:
    """The corpus runs (by their key, zh_key → runs) whose consonants best agree with the word's, at `floor`;
    among equals, the ones whose letters agree most."""
    floor = FLOOR if floor is None else floor
    variants = [] if is_pinyin(word) else _variants(word)
    if not variants:
        return []
    scored = []
    for zk, terms in keys.items():
        s = max(similarity(v, zk) for v in variants)
        if s >= floor:
            scored += [(s, _vowels(word, t), t) for t in terms]
    if not scored:
        return []
    best = max(s for s, _, _ in scored)
    return [t for s, v, t in sorted(scored, key=lambda x: (-x[0], -x[1][0], -x[1][1])) if s >= best - 1e-9][:top]
