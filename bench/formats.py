"""Documents with pages: text-PDF extraction rate, a 300-page report indexed end to end, OCR rate and accuracy.

    python bench/formats.py                       # all three (about 3 minutes on 2 cores)
    python bench/formats.py --only extract,ocr    # some of them (also: ocr-noisy, a degraded scan;
                                                  # ocr-long: peak RSS of a --long-pages scan vs 2 pages)
    python bench/formats.py --ocr-pages 5 --report-pages 300 --json

Everything is generated (tests/format_fixtures.py): reportlab PDFs in STSong-Light, scans rendered with
WenQuanYi Micro Hei at 200 dpi (A4, 12 pt, lines of real Chinese prose from seeds/). Targets (issue 14):
extraction ≥ 30 pages/s; a 300-page report indexed in ≤ 60 s with peak RSS ≤ 1.5 GB; OCR ≥ 0.5 pages/s with
character accuracy ≥ 97 %.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import format_fixtures as ff  # noqa: E402
from rag.ingest import load  # noqa: E402

FACT_LINE = "经市政府常务会议研究决定，汉林街改造工程的总预算为一千二百万元，预计于明年五月一日全面完工。"


def extract_rate(tmp: Path, pages: int) -> dict:
    """Text PDF → canonical text + page map (no OCR): pages per second of rag.ingest.load."""
    path = ff.text_pdf(tmp / "extract.pdf", ff.report_pages(pages, paragraphs=11))  # full A4 pages
    load(path)  # warm: imports, PDFium
    t0 = time.perf_counter()
    doc = load(path)
    dt = time.perf_counter() - t0
    from rag.formats.render import render  # what GET /api/documents/{id}/pages/{n}.png does on a cache miss
    renders = []
    for n in (1, pages // 2, pages):  # open the PDF, render one page at 110 dpi, PNG
        t0 = time.perf_counter()
        render(path, n)
        renders.append(time.perf_counter() - t0)
    scan = tmp / "scan-page.png"  # a 200 dpi A4 scan as uploaded: decoded, scaled to 1800 px, PNG
    ff.render_lines([FACT_LINE] * 30, size=33, width=1654).save(scan)
    t0 = time.perf_counter()
    render(scan, 1)
    image_ms = 1000 * (time.perf_counter() - t0)
    return {"pages": pages, "seconds": round(dt, 2), "pages_per_s": round(pages / dt, 1), "chars": len(doc.text),
            "render_page_ms": round(1000 * max(renders)), "render_image_page_ms": round(image_ms)}


def index_report(tmp: Path, pages: int) -> dict:
    """`rag index` of one generated report with the default model, in a child process: wall time and peak RSS."""
    fact = "经市政府常务会议研究决定，汉林街改造工程的总预算为一千二百万元，预计于明年五月一日全面完工。"
    # Real prose (the seeds, 950 characters a page, no two pages alike), the fact on page 2/3 of the way in.
    prose = _prose(pages * 950)
    content = [[prose[(n * 10 + k) * 95:(n * 10 + k + 1) * 95] for k in range(10)] for n in range(pages)]
    content[pages * 2 // 3 - 1].insert(1, fact)
    path = ff.text_pdf(tmp / "report300.pdf", content)
    index = tmp / "index"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rag", "index", str(path), "--index", str(index), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"rag index failed: {proc.stderr[-2000:]}")
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ask = subprocess.run([sys.executable, "-m", "rag", "ask", "--json", "--index", str(index),
                          "汉林街改造工程的总预算是多少？"], cwd=ROOT, capture_output=True, text=True)
    cites = json.loads(ask.stdout)["citations"] if ask.returncode == 0 else []
    return {"pages": pages, "bytes": path.stat().st_size, "seconds": round(dt, 1), "peak_rss_mb": round(rss_mb),
            "summary": proc.stdout.strip(), "answer_page": cites[0].get("page") if cites else None,
            "expected_page": pages * 2 // 3}


def _prose(n_chars: int) -> str:
    """Real Chinese prose from the seed documents (CJK and punctuation only, in simplified characters: the
    PP-OCR Chinese model reads simplified; traditional pages score about 91 %), n_chars long."""
    from opencc import OpenCC
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    text = OpenCC("t2s").convert(re.sub(r"[^\u4e00-\u9fff，。！？；：“”、]+", "", text))
    return (text * (1 + n_chars // max(1, len(text))))[:n_chars]


def ocr_rate(tmp: Path, pages: int, lines_per_page: int = 30, chars_per_line: int = 38, noisy: bool = False) -> dict:
    """Scanned A4 pages (200 dpi, 12 pt, 30 lines of 38 characters: a full page) → OCR: pages/s and accuracy."""
    prose = _prose(pages * lines_per_page * chars_per_line)
    truth = [[prose[(p * lines_per_page + i) * chars_per_line:(p * lines_per_page + i + 1) * chars_per_line]
              for i in range(lines_per_page)] for p in range(pages)]
    path = ff.scan_pdf(tmp / "scan.pdf", truth, noisy=noisy)
    from rag.formats.ocr import warm
    warm()  # the models load once per OCR thread (about a second each): not a per-page cost
    t0, cpu0 = time.perf_counter(), time.process_time()
    doc = load(path)
    dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    want = "".join("".join(lines) for lines in truth)
    got = re.sub(r"\s+", "", doc.text)
    sm = difflib.SequenceMatcher(None, got, want, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    errors = (len(want) - matched) + max(0, len(got) - matched)
    # CPU seconds (all threads) per page: what a page costs whatever else shares the machine; on an idle 2-core
    # machine the wall time per page is about cpu / 2 (two pages are read at once, one per core).
    return {"pages": pages, "chars": len(want), "seconds": round(dt, 1), "pages_per_s": round(pages / dt, 2),
            "cpu_s_per_page": round(cpu / pages, 1), "accuracy": round(1 - errors / len(want), 4)}


def ocr_memory(tmp: Path, pages: int) -> dict:
    """Peak RSS of reading a long scan (real OCR, a fresh process) beside a 2-page one: streaming means the long
    one holds no more page images than the short one, only its longer text."""
    out = {}
    for n in (2, pages):
        prose = _prose(n * 30 * 38)
        path = ff.scan_pdf(tmp / f"long{n}.pdf", [[prose[(p * 30 + i) * 38:(p * 30 + i + 1) * 38] for i in range(30)]
                                                  for p in range(n)])
        code = ("import resource, sys, time; from pathlib import Path; from rag.ingest import load; "
                "t = time.perf_counter(); d = load(Path(sys.argv[1])); "
                "print(len(d.text), time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            raise SystemExit(f"reading the {n}-page scan failed: {proc.stderr[-2000:]}")
        chars, seconds, rss = proc.stdout.split()
        out[f"{n}_pages"] = {"peak_rss_mb": round(int(rss) / 1024), "seconds": round(float(seconds), 1),
                             "pages_per_s": round(n / float(seconds), 2), "chars": int(chars)}
        path.unlink()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="extract,index,ocr")
    ap.add_argument("--extract-pages", type=int, default=300)
    ap.add_argument("--report-pages", type=int, default=300)
    ap.add_argument("--ocr-pages", type=int, default=5)
    ap.add_argument("--long-pages", type=int, default=100)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {"cores": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as d:
        tmp = Path(d)
        for name in args.only.split(","):
            if name == "extract":
                out["extract"] = extract_rate(tmp, args.extract_pages)
            elif name == "index":
                out["index"] = index_report(tmp, args.report_pages)
            elif name == "ocr":
                out["ocr"] = ocr_rate(tmp, args.ocr_pages)
            elif name == "ocr-noisy":  # skewed 0.6°, speckled, JPEG 60: a copier's scan
                out["ocr-noisy"] = ocr_rate(tmp, args.ocr_pages, noisy=True)
            elif name == "ocr-long":
                out["ocr-long"] = ocr_memory(tmp, args.long_pages)
            print(f"{name}: {out.get(name)}", file=sys.stderr, flush=True)
    out["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=None if not args.json else 1))


if __name__ == "__main__":
    main()
