import pytest

from rag.ingest import IngestError, decode, find_files, from_bytes, load

TEXT = "江一鳴笑著起身,親自為段磊倒了杯茶。市长说:要建立闭环管理机制,每一张工单都要有跟踪。"


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-bom"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("gb18030", "gb18030"), ("big5", "big5"),
])
def test_decodes_encodings(encoding, expected):
    text = TEXT if encoding != "gb18030" else TEXT.replace("鳴", "鸣")
    if encoding == "big5":
        text = "江一鳴笑著起身,親自為段磊倒了杯茶。市長說:要建立閉環管理機制,每一張工單都要有跟蹤。"
    d = decode(text.encode(encoding), "f.txt")
    assert d.text == text
    assert d.encoding == expected


def test_gbk_simplified():
    text = "老农贸市场改造也要同步推进,市民对老农贸的环境意见较大。"
    assert decode(text.encode("gbk"), "g.txt") == decode(text.encode("gb18030"), "g.txt")
    assert decode(text.encode("gbk"), "g.txt").text == text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"), (b"   \n\t ", "empty file"), (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
    (b"\x7fELF" + bytes(100), "ELF"), (b"abc\x00def\x00\x01\x02" * 10 + b"\xff\xfe\xfd", "binary"),
])
def test_refuses_with_reason(data, reason):
    with pytest.raises(IngestError, match=reason) as e:
        decode(data, "bad.txt")
    assert "bad.txt" in str(e.value)


def test_undecodable_names_file():
    with pytest.raises(IngestError, match="x.txt"):
        decode(bytes([0x81, 0x30, 0xff, 0xff]) * 50, "x.txt")


def test_html_to_text():
    doc = from_bytes("<html><head><title>标题</title><script>alert(1)</script></head><body><p>第一段。</p>"
                     "<style>p{}</style><div>第二段<b>加粗</b>。</div></body></html>".encode(), "a.html", html=True)
    assert "alert" not in doc.text and "p{}" not in doc.text
    assert "第一段。" in doc.text and "第二段加粗。" in doc.text


def test_seed_boilerplate_stripped(seeds):
    def kept(name):
        doc = load(next(seeds.glob(name + "*")))
        return "\n".join(doc.text[s:e] for s, e in doc.spans), doc

    text, doc = kept("001")
    assert "piautian55" not in text and "飘天文学网 >" not in text
    assert "12345市民服务热线平台" in text and "杜宏远说道" in text
    text, _ = kept("002")
    assert "抢沙发" not in text and "评论一下" not in text and "最热评论" not in text
    assert "坚持实干实绩、奖优罚劣。" in text
    text, _ = kept("003")
    assert "点击下一页" not in text and "liangyouwl" not in text
    for title in ("八零捷报团宠娇娇向钱冲", "玄门老祖闯末世修炼囤货捡道侣", "炽热亲吻"):
        assert title not in text
    assert "此举意在打破常规激发微观主体的创造力。" in text
    text, doc = kept("000")
    assert len(text) > 0.99 * len(doc.text.strip())  # nothing to strip in the traditional novel chapter


def test_document_id_is_content_hash(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TEXT, encoding="utf-8")
    b.write_bytes(TEXT.encode("utf-16"))
    assert load(a).id == load(b).id


def test_find_files_skips_and_reports(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("甲。")
    (tmp_path / "d" / "b.exe").write_bytes(b"MZ")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    files, problems = find_files([tmp_path / "d", tmp_path / "missing.txt", tmp_path / "d" / "b.exe"])
    assert [f.name for f in files] == ["a.txt"]
    assert any("no such file" in p for p in problems) and any("unsupported" in p for p in problems)
