import json
from pathlib import Path

import pytest

from rag import eval as ev
from rag import eval_metrics as em
from rag.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


@pytest.fixture
def eval_config(config, tmp_path):
    return config.with_(eval_cache=tmp_path / "eval-cache")


def test_metrics_on_fixture_with_known_answers(eval_config):
    details = []
    result = ev.evaluate(FIXTURES / "zh", eval_config, unanswerable=FIXTURES / "other", details=details)
    assert tuple(result) == ev.METRICS + tuple(ev.BREAKDOWNS)
    assert result["n"] == 6 and result["n_unanswerable"] == 0
    # Every question names its document: the keyword side finds each one first.
    assert result["recall@1"] == result["recall@5"] == result["recall@10"] == result["mrr@10"] == 1.0
    assert result["abstain_answerable"] == 0.0
    assert result["answer_hit"] >= 5 / 6, [d for d in details if not d["hit"]]
    assert 0 < result["answer_chars_median"] <= 150
    assert result["abstain_unanswerable"] == 1.0  # lunar landing questions against bridges, tea and pandas
    assert result["latency_ms_p95"] >= result["latency_ms_p50"] > 0
    # The traditional-Chinese document is matched from simplified questions and gold answers.
    assert all(d["hit"] for d in details if d["id"] in ("q3", "q4"))


def test_second_run_reuses_the_cached_index(eval_config):
    first = ev.evaluate(FIXTURES / "zh", eval_config, limit=2)
    folders = list(eval_config.eval_cache.iterdir())
    assert len(folders) == 1 and (folders[0] / "manifest.json").exists()
    stamp = (folders[0] / "manifest.json").stat().st_mtime_ns
    second = ev.evaluate(FIXTURES / "zh", eval_config, limit=2)
    assert list(eval_config.eval_cache.iterdir()) == folders
    assert (folders[0] / "manifest.json").stat().st_mtime_ns == stamp
    assert second["index_seconds"] == first["index_seconds"] and second["n"] == 2


def test_cache_key_follows_content_and_settings(eval_config, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("第一段。", encoding="utf-8")
    key = ev.fingerprint(docs, eval_config)
    assert ev.fingerprint(docs, eval_config.with_(chunk_chars=100)) != key
    (docs / "a.txt").write_text("第二段。", encoding="utf-8")
    assert ev.fingerprint(docs, eval_config) != key


def test_gold_hit_folds_width_script_and_markers():
    assert ev.gold_hit("龍井茶產於浙江杭州西湖一帶[1]", ("浙江杭州西湖一带",))
    assert ev.gold_hit("建成于１９９１年[1]", ("1991年",))
    assert ev.gold_hit("甲乙[1]丙", ("甲乙丙",))
    assert not ev.gold_hit("南浦大桥", ("1991年",))


def test_sample_is_even_and_deterministic():
    qs = [ev.Query(str(i), "q", (), "d") for i in range(10)]
    assert [q.id for q in ev.sample(qs, 5)] == ["0", "2", "4", "6", "8"]
    assert ev.sample(qs, None) == qs


def test_cli_eval_json_and_errors(eval_config, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    cache = str(eval_config.eval_cache)
    assert main(["eval", str(FIXTURES / "zh"), "--json", "--limit", "3", "--cache", cache, "-q"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert list(d) == [*ev.METRICS, *ev.BREAKDOWNS] and d["n"] == 3 and d["abstain_unanswerable"] is None
    out = tmp_path / "details.jsonl"
    assert main(["eval", str(FIXTURES / "zh"), "--limit", "2", "--cache", cache, "-q", "--details", str(out)]) == 0
    assert "recall@1" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and {"id", "answer", "complete", "missing", "short"} <= set(rows[0])
    assert main(["eval", str(tmp_path), "--cache", cache, "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "queries.jsonl" in err and "\n" not in err


# --- issue 13: complete, short_answer_exact, kinds, splits, follow-ups, unanswerable -------------------------

GENRE_DOCS = {
    "speech.txt": "市长在会上说道：“我讲四点要求。第一，排涝泵车六月十五日前到位。第二，抢险队不少于五百人。"
                  "第三，转移预案细化到户。第四，汛期领导干部二十四小时带班。”副市长问道：“资金从哪里出？”"
                  "市长回答：“市财政先拿出两千万元应急资金，专款专用。”",
    "plan.txt": "南湖區生活垃圾分類工作方案。一、工作目標。到年底回收利用率達到40%以上。二、保障措施。"
                "區財政設立專項資金1200萬元。處理中心的建設時間另行通知。",
}
GENRE_QUERIES = [
    {"id": "a", "question": "市长提出了哪四点要求？", "answers": [], "doc": "speech.txt", "kind": "list",
     "expect_all": ["排涝泵车", "不少于五百人", "细化到户", "二十四小时带班"], "split": "dev", "lang": "zh"},
    {"id": "b", "question": "资金从哪里出？", "answers": ["两千万元"], "doc": "speech.txt", "kind": "dialogue",
     "expect_all": ["两千万元"], "split": "dev", "lang": "zh"},
    {"id": "c", "question": "那专项资金呢？", "answers": ["1200萬元"], "doc": "plan.txt", "kind": "followup",
     "expect_all": ["1200萬元"], "history": ["南湖区垃圾分类的工作目标是什么？"], "split": "held", "lang": "zh"},
    {"id": "d", "question": "地铁五号线的票价是多少？", "answers": [], "doc": None, "kind": "unanswerable",
     "split": "held", "lang": "zh"},
]


@pytest.fixture
def genre_set(tmp_path):
    root = tmp_path / "genre"
    (root / "docs").mkdir(parents=True)
    for name, text in GENRE_DOCS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "queries.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in GENRE_QUERIES),
                                        encoding="utf-8")
    return root


def test_new_fields_load_and_old_lines_keep_working(genre_set):
    qs = {q.id: q for q in ev.load_set(genre_set).queries}
    assert qs["d"].doc is None and qs["d"].kind == "unanswerable"
    assert qs["c"].history == ("南湖区垃圾分类的工作目标是什么？",) and qs["c"].split == "held"
    assert qs["a"].expect_all[1] == "不少于五百人" and qs["a"].expect_any == ()
    old = ev.load_set(FIXTURES / "zh").queries[0]
    assert (old.doc, old.kind, old.expect_all, old.history, old.split) == ("bridge.txt", "", (), (), "")
    (genre_set / "queries.jsonl").write_text('{"question": "q", "doc": "a.txt", "expect_all": "一个字符串"}\n')
    with pytest.raises(ev.EvalError, match="queries.jsonl:1: .*expect_all must be a list"):
        ev.load_set(genre_set)


def test_missing_phrases_fold_script_markup_whitespace_and_markers():
    answer = "市長回答：**兩千萬元**[1] 應急\n資金，\n- 專款專用[2]"
    assert em.missing_phrases(answer, ["两千万元", "应急资金", "专款 专用"]) == []
    assert em.missing_phrases(answer, ["两千万元", "五百人"]) == ["五百人"]


def test_judge_needs_every_phrase_one_alternative_and_the_citation():
    full = dict(answerable=True, abstained=False, answer_text="甲乙丙。丁戊。", cited_gold=True)
    assert em.judge(**full, expect_all=["甲乙", "丁戊"]).complete
    v = em.judge(**full, expect_all=["甲乙", "己庚"])
    assert not v.complete and v.missing == ("己庚",)
    assert not em.judge(**{**full, "cited_gold": False}, expect_all=["甲乙"]).complete
    assert not em.judge(**{**full, "abstained": True}, expect_all=["甲乙"]).complete
    assert em.judge(**full, expect_all=["甲乙"], expect_any=["辛", "丁戊"]).complete
    assert not em.judge(**full, expect_all=["甲乙"], expect_any=["辛", "壬"]).complete
    # Older sets: no expected phrases, so a gold answer must appear (answer_hit plus the citation).
    assert em.judge(**full, answers=["乙丙"]).complete and not em.judge(**full, answers=["癸"]).complete
    # Unanswerable: only an abstention is complete, whatever the text.
    assert em.judge(answerable=False, abstained=True, answer_text="没有说明", cited_gold=False).complete
    assert not em.judge(answerable=False, abstained=False, answer_text="甲", cited_gold=False).complete


def test_short_answer_exact_takes_the_first_bold_span():
    assert em.short_answer("**1200萬元**。區財政設立專項資金1200萬元[1]") == "1200萬元"
    assert em.short_answer_exact("**1200萬元**。區財政…[1]", ["1200万元"])
    assert em.short_answer_exact("答：**“柳湾村”**，在下游。**八百米**", ["柳湾村"])
    assert not em.short_answer_exact("**八百米**，柳湾村", ["柳湾村"])
    assert not em.short_answer_exact("柳湾村[1]", ["柳湾村"])  # no bold span: no short answer
    assert not em.short_answer_exact("**１９９１年建成**", ["1991年"])  # more than the span is not exact


def test_breakdown_groups_rows():
    rows = [{"kind": "list", "complete": True, "abstained": False}, {"kind": "list", "complete": False,
             "abstained": True}, {"kind": "who", "complete": True, "abstained": False}, {"kind": "", "complete": False}]
    assert em.breakdown(rows, "kind") == {"list": {"n": 2, "complete": 0.5, "abstained": 0.5},
                                          "who": {"n": 1, "complete": 1.0, "abstained": 0.0}}
    assert "list" in em.format_breakdown("kind", em.breakdown(rows, "kind"))
    assert em.format_breakdown("kind", {}) == ""


def test_evaluate_genre_set_reports_kinds_splits_and_unanswerable(eval_config, genre_set):
    details = []
    result = ev.evaluate(genre_set, eval_config, details=details)
    assert result["n"] == 4 and result["n_unanswerable"] == 1
    assert set(result["complete_by_kind"]) == {"list", "dialogue", "followup", "unanswerable"}
    assert {k: v["n"] for k, v in result["complete_by_split"].items()} == {"dev": 2, "held": 2}
    assert result["complete_by_lang"]["zh"]["n"] == 4
    assert result["complete_by_lang"]["zh"]["complete"] == result["complete"]
    assert result["complete_by_kind"]["unanswerable"]["abstained"] == result["abstain_unanswerable"]
    assert result["abstain_unanswerable"] == (1.0 if details[3]["abstained"] else 0.0)
    assert details[3]["rank"] is None and details[3]["doc"] is None
    assert 0.0 <= result["complete"] <= 1.0
    # No who/when/number/where question in this set: nothing for short_answer_exact to count.
    assert result["short_answer_exact"] == 0.0 and not em.SHORT_KINDS & {q["kind"] for q in GENRE_QUERIES}
    for d in details:
        if d["complete"] and d["doc"]:
            assert d["cited"] and not d["missing"] and not d["abstained"]
    assert details[2]["history"] == ["南湖区垃圾分类的工作目标是什么？"]
    table = ev.format_table("genre", result)
    assert "complete" in table and "followup" in table and "held" in table


class _Recorder:
    """Stands in for an Assistant: records what ask() receives."""

    def __init__(self):
        self.calls = []


def test_asker_uses_ask_options_when_assistant_takes_them():
    from rag.options import AskOptions

    class New(_Recorder):
        def ask(self, question, options=None, *, top_k=None):
            self.calls.append((question, options))

    a = New()
    ev.asker(a, 10)("那资金呢？", ("老农贸市场改造是怎么回事？",))
    assert a.calls == [("那资金呢？", AskOptions(top_k=10, history=("老农贸市场改造是怎么回事？",)))]


def test_asker_falls_back_to_contextualize_with_the_older_signature():
    from rag.conversation import contextualize

    class Old(_Recorder):
        def ask(self, question, top_k=None):
            self.calls.append((question, top_k))

    a = Old()
    ask = ev.asker(a, 10)
    ask("那资金呢？", ("老农贸市场改造是怎么回事？",))
    ask("自成一句的问题：南浦大桥是哪一年建成的？", ())
    assert a.calls == [(contextualize("那资金呢？", ["老农贸市场改造是怎么回事？"]), 10),
                       ("自成一句的问题：南浦大桥是哪一年建成的？", 10)]
