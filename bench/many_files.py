"""Many tiny files in one folder: build, unchanged re-run, open, ask, list, remove.

    python bench/many_files.py                        # 100,000 files, the bundled model (~15 min on 2 cores)
    python bench/many_files.py --model test-hash      # same, with the tests' hashing model: store and search only

Each file is one sentence naming its own number, so every question ("第N号小文件记录了什么?") has exactly one right
file; the run fails if any answer cites another. Figures go to stdout and bench/results/many_files.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=int, default=100_000)
    p.add_argument("--questions", type=int, default=50)
    p.add_argument("--model", default=None, help="embedding model (default: the bundled one); "
                                                 "test-hash = the tests' hashing model")
    p.add_argument("--work", default=None, help="folder for the files and the index (default: a temporary one)")
    args = p.parse_args()
    if args.model == "test-hash":
        sys.path.insert(0, str(ROOT / "tests"))
        import fake_model  # noqa: F401  (registers the model)
    from rag import Assistant
    from rag.config import Config
    from ui.service import Service

    work = Path(args.work or tempfile.mkdtemp(prefix="many-files-"))
    folder, index = work / "many", work / "index"
    shutil.rmtree(index, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(args.files):
        f = folder / f"{i:06d}.txt"
        if not f.exists():
            f.write_text(f"第{i}号小文件,记录编号{i}的内容。", encoding="utf-8")
    config = Config(index_dir=index, **({"model": args.model} if args.model else {}))
    result: dict = {"files": args.files, "model": config.model}

    report, result["build_s"] = timed(Assistant(config).index, [folder])
    assert len(report.added) == args.files and not report.failed, report.failed[:3]
    again, result["unchanged_rerun_s"] = timed(Assistant(config).index, [folder])
    assert len(again.unchanged) == args.files

    assistant = Assistant(config)
    _, result["open_s"] = timed(assistant.store)
    _, result["first_ask_s"] = timed(assistant.ask, "第1号小文件记录了什么?")
    times, step = [], max(1, args.files // args.questions)
    for n in range(0, args.files, step)[:args.questions]:
        answer, seconds = timed(assistant.ask, f"第{n}号小文件记录了什么?")
        times.append(seconds)
        cited = answer.citations[0].source if answer.citations else None
        assert cited and cited.endswith(f"{n:06d}.txt"), f"question {n} cited {cited}"
    result["ask_ms"] = {"p50": statistics.median(times) * 1000, "max": max(times) * 1000, "n": len(times)}

    service = Service(assistant=assistant)
    (_, total), result["list_newest_500_s"] = timed(service.documents_page, "", limit=500, newest_first=True)
    (found, _), result["filter_by_name_s"] = timed(service.documents_page, f"{args.files // 2:06d}.txt")
    assert total == args.files and len(found) == 1
    _, result["remove_one_s"] = timed(assistant.remove, str(folder / f"{args.files // 2:06d}.txt"))
    assert assistant.document_count() == args.files - 1

    print(json.dumps(result, indent=1))
    out = ROOT / "bench" / "results" / "many_files.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
