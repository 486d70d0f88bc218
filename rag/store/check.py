"""`rag check`: verify a local index (manifest ↔ log ↔ records ↔ segments ↔ texts ↔ rows) and repair it.

Verification reads everything the manifest points at and reports each disagreement in one line. Repair keeps
whatever is intact, drops what is damaged from the manifest, and rebuilds the damaged documents from their
stored texts (chunked and embedded again by the caller's `reindex`); a document whose text is gone cannot be
rebuilt and is reported so the user can index its file again. Repair holds the write locks, writes the repaired
state through the normal commit path (a crash during repair leaves the index as it was), and then removes files
nothing references.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .base import DocRecord, StoreError, now
from .files import file_lock, new_manifest, read_manifest, remove_files, thread_lock, unreferenced, write_atomic
from .segment import Segment
from .snapshot import apply_entry

_LOG = re.compile(r"documents-(\d+)\.jsonl$")


@dataclass
class CheckReport:
    root: Path
    documents: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)   # each one line: what is wrong, where
    damaged: set[str] = field(default_factory=set)      # documents whose chunks or record must be rebuilt
    lost: list[str] = field(default_factory=list)       # documents that cannot be rebuilt (text gone)
    garbage: list[str] = field(default_factory=list)    # files no manifest references (safe to delete)
    rebuilt: list[str] = field(default_factory=list)    # filled by repair

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _State:
    """What could be read: the manifest (or a reconstruction), records, loadable segments."""
    manifest: dict
    docs: dict[str, DocRecord]
    segments: dict[str, Segment]


def _read_records(root: Path, log: dict, report: CheckReport) -> dict[str, DocRecord]:
    docs: dict[str, DocRecord] = {}
    name = log.get("file")
    if not name:
        return docs
    path = root / name
    try:
        data = path.read_bytes()
    except OSError as e:
        report.problems.append(f"{path}: unreadable ({e.strerror}); the document records are lost")
        return docs
    if len(data) < log.get("bytes", 0):
        report.problems.append(f"{path}: {len(data)} bytes, the manifest says {log['bytes']} are committed")
    bad = 0
    for line in data[:log.get("bytes", len(data))].splitlines():
        try:
            apply_entry(json.loads(line), docs)
        except (ValueError, TypeError, KeyError):
            bad += 1
    if bad:
        report.problems.append(f"{path}: {bad} damaged lines skipped")
    return docs


def _reconstruct_manifest(root: Path, config, report: CheckReport) -> dict:
    """manifest.json is unreadable: the newest log and every segment folder stand in for it."""
    m = new_manifest(config, None)
    logs = sorted((int(_LOG.search(f.name).group(1)), f) for f in root.glob("documents-*.jsonl") if _LOG.search(f.name))
    if logs:
        n, f = logs[-1]
        m["documents_log"] = {"file": f.name, "bytes": f.stat().st_size, "lines": 0, "next": n + 1}
    seg_dir = root / "segments"
    sids = sorted(p.name for p in seg_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) \
        if seg_dir.exists() else []
    m["segments"] = sids
    m["next_segment"] = max((int(s[1:]) for s in sids if s[1:].isdigit()), default=0) + 1
    report.problems.append(f"{root}/manifest.json: unreadable; reconstructed from {len(sids)} segments and "
                           f"{logs[-1][1].name if logs else 'no document log'}")
    return m


def _load(root: Path, config, report: CheckReport) -> _State:
    try:
        manifest = read_manifest(root)
    except StoreError:
        if config is None:
            raise
        manifest = _reconstruct_manifest(root, config, report)
    docs = ({k: DocRecord.from_json(v) for k, v in manifest["documents"].items()} if "documents" in manifest
            else _read_records(root, manifest.get("documents_log") or {}, report))
    segments = {}
    for sid in manifest["segments"]:
        try:
            segments[sid] = Segment(root / "segments" / sid)
        except FileNotFoundError as e:
            report.problems.append(f"segment {sid}: {e.filename} is missing")
        except StoreError as e:
            report.problems.append(str(e).split("; run")[0])
    return _State(manifest, docs, segments)


def verify(root: Path, config=None) -> tuple[CheckReport, _State]:
    """Check everything; `config` lets an unreadable manifest be reconstructed instead of failing."""
    root = Path(root)
    report = CheckReport(root)
    state = _load(root, config, report)
    for rec in state.docs.values():
        seg = state.segments.get(rec.segment)
        text_path = root / "docs" / f"{rec.id}.txt"
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            report.problems.append(f"document {rec.id} ({', '.join(rec.sources)}): text {text_path} is missing "
                                   f"or unreadable; index the file again")
            report.lost.append(rec.id)
            continue
        if len(text) != rec.chars:
            report.problems.append(f"document {rec.id}: text has {len(text)} characters, the record {rec.chars}")
            report.damaged.add(rec.id)
        if seg is None:
            report.problems.append(f"document {rec.id}: its segment {rec.segment} is not usable")
            report.damaged.add(rec.id)
            continue
        rows = seg.rows_of(rec.id)
        if len(rows) != rec.chunks or (len(rows) and int(seg.ends[rows.stop - 1]) > len(text)):
            report.problems.append(f"document {rec.id}: {len(rows)} rows in segment {seg.id}, the record says "
                                   f"{rec.chunks} chunks")
            report.damaged.add(rec.id)
    counted = {"documents": len(state.docs), "chunks": sum(d.chunks for d in state.docs.values())}
    if state.manifest.get("counts") != counted:
        report.problems.append(f"manifest counts {state.manifest.get('counts')} disagree with the records {counted}")
    report.documents, report.chunks = counted["documents"], counted["chunks"]
    report.garbage = _garbage(root, state)
    return report, state


def _garbage(root: Path, state: _State) -> list[str]:
    return sorted(str(p) for p in unreferenced(root, state.manifest, state.docs))


def repair(root: Path, config, reindex: Callable[[object, list[tuple[DocRecord, str]]], int]) -> CheckReport:
    """Make the index consistent: keep what is intact, rebuild damaged documents from their texts with
    `reindex(writer, [(record, text)])`, drop what cannot be rebuilt, delete unreferenced files."""
    from .local import LocalStore
    root = Path(root)
    with thread_lock(root), file_lock(root):
        report, state = verify(root, config)
        if report.ok and not report.garbage:
            return report
        keep = {i: r for i, r in state.docs.items() if i not in report.damaged and i not in report.lost}
        todo = []
        for doc_id in sorted(report.damaged):
            try:
                text = (root / "docs" / f"{doc_id}.txt").read_text(encoding="utf-8")
                todo.append((state.docs[doc_id], text))
            except (OSError, UnicodeDecodeError):
                report.lost.append(doc_id)
        # Step 1: a manifest that names only intact segments and records (a fresh log): consistent, if smaller.
        m = json.loads(json.dumps(state.manifest))
        m.pop("documents", None)
        m["segments"] = [s for s in m["segments"] if s in state.segments]
        log = m.setdefault("documents_log", {"file": None, "bytes": 0, "lines": 0, "next": 1})
        name = f"documents-{max(log.get('next', 1), _next_log(root)):06d}.jsonl"
        data = "".join(json.dumps({"put": r.to_json()}, ensure_ascii=False) + "\n" for r in keep.values()).encode()
        write_atomic(root / name, data)
        log.update(file=name, bytes=len(data), lines=len(keep), next=int(name[10:16]) + 1)
        m.update(format=2, updated=now(), commit=m.get("commit", 0) + 1,
                 counts={"documents": len(keep), "chunks": sum(r.chunks for r in keep.values())})
        write_atomic(root / "manifest.json", json.dumps(m, ensure_ascii=False, indent=1).encode())
    # Step 2: the damaged documents again, through the normal writer (its commit also sweeps the garbage).
    store = LocalStore.open(root, config)
    with store.writer() as w:
        if todo:
            reindex(w, todo)
            w.commit()
            report.rebuilt = [rec.id for rec, _ in todo]
        remove_files(unreferenced(root, store.manifest, store._docs))  # we hold the write locks
    return report


def _next_log(root: Path) -> int:
    return max((int(m.group(1)) for f in root.glob("documents-*.jsonl") if (m := _LOG.search(f.name))), default=0) + 1
