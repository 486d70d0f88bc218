"""Large inputs (slow: run with `pytest -m slow`): a 50 MB single-line file, 100k tiny files in one folder."""
import time

import pytest

from rag import Assistant

pytestmark = pytest.mark.slow


def test_fifty_megabyte_single_line(config, tmp_path):
    sentence = "这是一个没有换行的超长文件里的句子,编号{}。"
    f = tmp_path / "huge.txt"
    with open(f, "w", encoding="utf-8") as out:
        i = 0
        while out.tell() < 50 * 1024 * 1024:
            out.write("".join(sentence.format(i + j) for j in range(1000)))
            i += 1000
    a = Assistant(config)
    t0 = time.perf_counter()
    report = a.index([f])
    assert report.added == [str(f)] and not report.failed
    print(f"50 MB single line: {report.chunks} chunks in {time.perf_counter() - t0:.0f}s")
    doc = a.documents()[0]
    assert doc.chars > 15_000_000
    ans = a.ask("编号123456的句子")
    assert ans.citations and a.document_text(ans.citations[0].doc_id)[ans.citations[0].start:ans.citations[0].end] \
        == ans.citations[0].quote


def test_hundred_thousand_tiny_files(config, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(100_000):
        (folder / f"{i:06d}.txt").write_text(f"第{i}号小文件,记录编号{i}的内容。", encoding="utf-8")
    a = Assistant(config)
    t0 = time.perf_counter()
    report = a.index([folder])
    first = time.perf_counter() - t0
    assert len(report.added) == 100_000 and not report.failed
    t0 = time.perf_counter()
    again = a.index([folder])
    print(f"100k tiny files: first run {first:.0f}s, unchanged re-run {time.perf_counter() - t0:.0f}s")
    assert len(again.unchanged) == 100_000 and again.chunks == 0
    assert len(a.documents()) == 100_000
    # At this many documents a question still finds the one file that holds its number, and one file can go.
    t0 = time.perf_counter()
    ans = a.ask("第54321号小文件记录了什么?")
    asked = time.perf_counter() - t0
    assert ans.citations and ans.citations[0].source.endswith("054321.txt")
    c = ans.citations[0]
    assert a.document_text(c.doc_id)[c.start:c.end] == c.quote
    t0 = time.perf_counter()
    a.remove(str(folder / "054321.txt"))
    removed = time.perf_counter() - t0
    assert len(a.documents()) == 99_999
    print(f"100k tiny files: ask {asked * 1000:.0f} ms, remove one {removed:.2f}s")
