"""Person names in a sentence (search form): jieba's name tags, a surname with a title ('雷书记'), a title
before a name ('市长段宏伟'), and a name opening a narration line before a verb of speaking ('周立新回答道。')."""
from __future__ import annotations

import functools
import re

TITLES = ("书记", "市长", "县长", "省长", "区长", "镇长", "主任", "部长", "局长", "秘书", "总理", "主席", "委员",
           "经理", "董事长", "校长", "院长", "处长", "科长", "队长", "同志", "先生", "女士", "老师", "总")


@functools.lru_cache(maxsize=1)
def _pos():
    import jieba.posseg

    from .tokenize import _jieba
    return jieba.posseg.POSTokenizer(_jieba(None))


@functools.lru_cache(maxsize=2048)
def tagged_words(text: str) -> tuple[tuple[str, str, int], ...]:
    out, pos = [], 0
    for w, flag in _pos().cut(text):
        out.append((w, flag, pos))
        pos += len(w)
    return tuple(out)


COMMON_WORD = 300  # jieba dictionary frequency above which a two-character 'name' is an ordinary word


def word_freq(word: str) -> int:
    from .tokenize import _jieba
    return _jieba(None).FREQ.get(word, 0)


def people(sf: str) -> list[tuple[int, int]]:
    """Person names, with a title that follows ('雷书记', '江一鸣', '刘国亮市长' → the name and the title)."""
    out = []
    tagged = tagged_words(sf)
    for i, (w, flag, pos) in enumerate(tagged):
        titled = i + 1 < len(tagged) and tagged[i + 1][0] in TITLES
        if flag in ("nr", "nrfg", "nrt") and len(w) >= 2:
            if len(w) == 2 and word_freq(w) > COMMON_WORD and not titled:
                continue  # a common word jieba's dictionary also lists as a name ('宁可')
            end = pos + len(w) + (len(tagged[i + 1][0]) if titled else 0)
            out.append((pos, end))
        elif len(w) == 1 and flag == "nr" and i + 1 < len(tagged) and tagged[i + 1][0] in TITLES:
            out.append((pos, pos + 1 + len(tagged[i + 1][0])))  # 李部长: a surname and a title
        elif len(w) == 1 and flag == "nr" and i + 1 < len(tagged) and 1 <= len(tagged[i + 1][0]) <= 2 and (
                tagged[i + 1][1] in ("nr", "ns", "nz") or (i and tagged[i - 1][0] in TITLES
                                                           and tagged[i + 1][1] in ("n", "a", "v"))):
            out.append((pos, pos + 1 + len(tagged[i + 1][0])))  # 鲁/建国, 冯/桂兰: surname + given name
    found = {s for s, _ in out}
    # 市长段宏伟则… (not 县长信箱里: a name does not open with a common noun or verb)
    words = {pos: (w, flag) for w, flag, pos in tagged}
    out += [m.span(1) for m in _TITLE_NAME.finditer(sf) if m.start(1) not in found
            and not _common(*words.get(m.start(1), ("", "")))]
    speaker = _speaker().match(sf)
    if speaker and not any(s <= speaker.start(1) < e for s, e in out):
        out.append(speaker.span(1))
    return sorted(out)


@functools.lru_cache(maxsize=1)
def _speaker() -> re.Pattern:
    """'周立新回答道。': a surname and one or two characters opening a narration line before a verb of
    speaking are a name, one jieba may not know."""
    from .pinyin import SURNAMES
    return re.compile(r"^([%s][\u4e00-\u9fff]{1,2}?)(?:连忙|随即|当即|立即|笑着|马上)?"
                      r"(?:回答|回复|说|答|汇报|表态|解释|补充|介绍)道?[。:：，,]" % "".join(sorted(SURNAMES)))


def _common(word: str, flag: str) -> bool:
    return len(word) >= 2 and flag[:1] in ("n", "v") and flag[:2] != "nr"


_TITLE_NAME = re.compile(r"(?:%s)([\u4e00-\u9fff]{2,3}?)(?=[，,。：:“\"、\s]|说|道|则|表示|介绍|指出|提出|认为|强调|"
                         r"回答|回应|告诉|一边|也|还|又|就|在|和|向|对|把|让|打|接|笑|点|看|主持|带|的)"
                         % "|".join(TITLES))
