"""English phrases of government and officialdom → the Chinese that documents about them use (a curated table).

Why: CC-CEDICT translates words, and an official's career or a city's programme is told in phrases it lacks or
renders word by word: 'take office' (到任, 上任, 就任) comes out as 'take' + 'office' (办公), 'party secretary'
as 党 + 秘书, 'hotline' and 'work order' not at all. Government documents, news and officialdom novels are
what this project is asked about, so a small table of their general vocabulary sits in front of the dictionary
(lexicon.translate). It holds general vocabulary only: no person, place or figure of any document, nothing taken
from a benchmark's answers. Each line: the English phrase (lower case, base forms), '|', its Chinese forms,
commonest first. A question's inflected words are brought to base form before lookup ('took office',
'was appointed', 'renovating').
"""
from __future__ import annotations

import functools

MAX_WORDS = 4  # the longest phrase of the table
ENABLED = True  # bench/english_eval.py measures without (--variant)

_TABLE = """
take office | 到任 上任 就任 履新 任职
assume office | 就任 上任 到任
leave office | 离任 卸任
appoint | 任命 出任 担任 委任
appointment | 任命 任职 出任
party secretary | 书记 党委书记 市委书记 区委书记 县委书记
deputy party secretary | 副书记
secretary general | 秘书长
mayor | 市长
deputy mayor | 副市长
vice mayor | 副市长
governor | 省长
district chief | 区长
district head | 区长
county head | 县长
county chief | 县长
county magistrate | 县长
town head | 镇长
bureau chief | 局长
director general | 局长 厅长
standing committee | 常委 常委会
municipal party committee | 市委
provincial party committee | 省委
district party committee | 区委
county party committee | 县委
municipal government | 市政府
people's congress | 人大
plenary session | 全会 全体会议
discipline inspection | 纪检 纪委
government work report | 政府工作报告
hotline | 热线
work order | 工单
renovation | 改造 翻新 整修
renovate | 改造 翻新 整修
rectification | 整治 整改
crackdown | 整治 打击
one-stop | 一站式
one-stop service | 一站式服务 一站式
business environment | 营商环境
attract investment | 招商引资 招商
investment promotion | 招商引资 招商
attract talent | 招才引智 引才
specialized and innovative | 专精特新
state-owned enterprise | 国有企业 国企
private enterprise | 民营企业 民企
private company | 民营企业 民企
listed company | 上市公司
industrial park | 产业园 工业园 园区
science park | 科技园 科创园
high-tech zone | 高新区
development zone | 开发区
pilot | 试点
pilot program | 试点
farmers market | 农贸市场
farmers' market | 农贸市场
wet market | 农贸市场 菜市场
groundbreaking | 开工 动工
break ground | 开工 动工
start construction | 开工 动工
completion | 竣工 完工 建成
complete construction | 竣工 完工
sign a contract | 签约 签订
signing | 签约 签订
special fund | 专项资金
subsidy | 补贴 补助
fiscal | 财政
administrative approval | 行政审批 审批
approval | 审批 批准
law enforcement | 执法
urban management | 城管 城市管理
petition | 上访 信访
petitioner | 上访者 信访
poverty alleviation | 扶贫 脱贫
rural revitalization | 乡村振兴
in charge of | 分管 主管 负责
report to | 汇报 报告
inspection tour | 调研 视察 考察
inspect | 调研 视察 检查
promote | 提拔 晋升 推动
dismiss | 免职 撤职
transfer | 调任 调动
cadre | 干部
night economy | 夜间经济 夜经济
nighttime economy | 夜间经济 夜经济
night-time economy | 夜间经济 夜经济
advisory committee | 咨询委员会
consulting committee | 咨询委员会
decision consulting | 决策咨询
ecology and environment bureau | 生态环境局 环保局
environment bureau | 生态环境局 环保局
environmental protection bureau | 环保局 生态环境局
public security bureau | 公安局
finance bureau | 财政局
education bureau | 教育局
health commission | 卫健委 卫生健康委员会
housing and urban-rural development | 住建 住房和城乡建设
natural resources bureau | 自然资源局
transport bureau | 交通运输局 交通局
water resources bureau | 水利局
civil affairs bureau | 民政局
emergency management bureau | 应急管理局 应急局
market supervision | 市场监管 市场监督管理
commerce bureau | 商务局
culture and tourism bureau | 文旅局 文化和旅游局
development and reform commission | 发改委 发展和改革委员会
industry and information technology | 工信 工业和信息化
statistics bureau | 统计局
audit bureau | 审计局
tax bureau | 税务局
organization department | 组织部
propaganda department | 宣传部
united front | 统战
political and legal affairs commission | 政法委
procuratorate | 检察院
subdistrict | 街道 街道办
neighborhood committee | 居委会 社区
village committee | 村委会 村委
"""

# Past forms the suffix rules of lexicon._lemmas cannot undo.
IRREGULAR = {"took": "take", "taken": "take", "taking": "take", "takes": "take", "led": "lead", "held": "hold",
             "ran": "run", "made": "make", "gave": "give", "given": "give", "became": "become", "went": "go",
             "met": "meet", "broke": "break", "broken": "break", "began": "begin", "begun": "begin",
             "left": "leave", "leaving": "leave", "signed": "sign", "won": "win", "built": "build"}


@functools.lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in _TABLE.strip().splitlines():
        english, _, chinese = line.partition("|")
        out[" ".join(english.split())] = tuple(dict.fromkeys(chinese.split()))
    return out


def base_forms(word: str) -> list[str]:
    """The forms a question word may stand in the table as: itself, its irregular base, its regular stems."""
    from .lexicon import _lemmas
    w = word.lower()
    return list(dict.fromkeys([IRREGULAR.get(w, w), *_lemmas(w)]))


def phrase_at(words: list[str], i: int) -> tuple[int, str, tuple[str, ...]] | None:
    """(number of words, table key, Chinese forms) of the longest table phrase starting at words[i], or None.
    Each word may match in any of its base forms ('was appointed' → 'appoint', 'took office' → 'take office')."""
    t = table() if ENABLED else {}
    for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
        keys = [""]
        for w in words[i:i + n]:
            keys = [f"{k} {b}".strip() for k in keys for b in base_forms(w)][:16]
        for key in keys:
            if key in t:
                return n, key, t[key]
    return None
