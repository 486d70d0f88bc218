"""Every word list that says "this word carries no topic", in one place.

- STOPWORDS: function words and question words dropped from BM25 terms (tokenize.py) and from question units.
  The documents state facts, they do not ask, so 什么/多少/哪些 match nothing useful. Changing this set
  changes every index (BM25 terms), so it is kept as measured.
- QUESTION_WORDS: further question words jieba keeps as words (何时, 哪项 …): dropped from question units.
- ENGLISH_STOP: English words too common or vague to translate into a keyword (lexicon.py).
- CHAT_WORDS: words that ask for an explanation rather than name a topic (怎么回事, 介绍, tell me more): never
  carried from one turn of a conversation into the next (conversation.py).
"""
from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


_ENGLISH_FUNCTION = _words("""
what which who whom whose when where why how is are was were be been being do does did done the a an of
to in on at by for with from as and or but not no it its this that these those there their they them he she
his her i you we our your me my about into than then so such can could would should will shall may might
""")

STOPWORDS = frozenset(_words("""
的 了 和 是 在 也 有 就 都 而 及 与 或 着 之 其 把 被 让 对 从 向 为 以 于 这 那 个 些 么 吗 呢 吧 啊 呀 哦 嗯
我 你 他 她 它 我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 怎样 如何 为什么 哪 哪里 哪些 哪个
多少 几 谁 是否 是不是 有没有 请问 一下 一个 没有 可以 能 会 要 说 并 但 还 又 很 最 更 所 等 等等 以及 如果 因为 所以
""") + _ENGLISH_FUNCTION)

QUESTION_WORDS = frozenset(_words("""
何时 何地 何处 何人 何种 哪年 哪项 哪种 哪位 哪天 哪国 哪家 哪所 哪座 哪部 哪次 这位 该 曾 多 第 届 所有 叫 称为 指 name
"""))

ENGLISH_STOP = frozenset(_ENGLISH_FUNCTION + _words("""
many much more most some any other one two also has have had having used use called name named type kind year
years time times s first last number part several each if after before during over under between through while
up down out
"""))

CHAT_WORDS = frozenset(_words("""
怎么回事 回事 是什么 什么样 怎么样 情况 介绍 讲讲 说说 告诉 请 问 呢 呀 吗 具体 详细 主要 内容 一下 方面 关于 有关
还有 另外 那么 然后 又 再 时候 时间 what about tell me more detail details please
"""))
