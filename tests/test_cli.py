import json

from rag.cli import main


def test_cli_index_docs_ask_remove(config, seeds, capsys, monkeypatch):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    idx = str(config.index_dir)
    assert main(["index", str(seeds), "--index", idx, "-q"]) == 0
    assert "5 new" in capsys.readouterr().out
    assert main(["docs", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert "5 documents" in out and "utf-8" in out
    assert main(["ask", "--json", "--index", idx, "12345热线"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["citations"] and d["abstained"] is False
    assert main(["remove", "--index", idx, d["citations"][0]["doc_id"]]) == 0
    assert main(["docs", "--index", idx, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out.split("\n", 1)[1])) == 4


def test_cli_errors_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    assert main(["ask", "--index", str(tmp_path / "none"), "hello"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "rag index" in err


def test_cli_reports_bad_files_and_goes_on(config, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    (tmp_path / "good.txt").write_text("一段正常的中文内容。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n" + bytes(100))
    assert main(["index", str(tmp_path / "good.txt"), str(tmp_path / "bad.txt"), "--index",
                 str(config.index_dir), "-q"]) == 0
    captured = capsys.readouterr()
    assert "bad.txt: 二进制文件，不是文本，请先转成 .txt · binary file (a PNG image)" in captured.err
    assert "1 new" in captured.out
