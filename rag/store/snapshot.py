"""What a reader of a local index sees at once: one immutable `Snapshot`, and how one is built from a manifest."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .base import DocRecord, StoreError
from .book import index_sources
from .segment import LiveSegment, Segment


def apply_entry(entry: dict, docs: dict[str, DocRecord]) -> None:
    """One document-log line: {"put": record} or {"del": id}."""
    if "put" in entry:
        rec = DocRecord.from_json(entry["put"])
        docs[rec.id] = rec
    else:
        docs.pop(entry["del"], None)


def read_log(path: Path, start: int, end: int, docs: dict[str, DocRecord]) -> None:
    """Apply the committed lines [start, end) of a document log to `docs`."""
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if len(data) != end - start:
        raise StoreError(f"{path} is shorter than its manifest says; run rag check --repair")
    if not data:
        return
    # One parse for the whole range (a json.loads per line was most of opening a 100k-chunk index).
    try:
        for entry in json.loads(b"[" + b",".join(data.splitlines()) + b"]"):
            apply_entry(entry, docs)
    except (ValueError, TypeError, KeyError) as e:
        raise StoreError(f"{path} is damaged ({type(e).__name__}); run rag check --repair") from None


@dataclass(frozen=True)
class Snapshot:
    manifest: dict
    segments: dict[str, LiveSegment]
    docs: dict[str, DocRecord]
    by_source: dict[str, str]
    log: tuple[str | None, int] | None  # (log file, bytes applied); None for a format-1 manifest
    stamp: tuple | None                  # manifest.json's (mtime, size, inode) when it was read


def build_snapshot(root: Path, manifest: dict, stamp, base: Snapshot | None,
                   fresh: dict[str, Segment] | None = None) -> Snapshot:
    """The state `manifest` describes, reusing what `base` already loaded (records up to its log position,
    segments). Raises FileNotFoundError when a file it names is gone (a newer commit removed it)."""
    log = manifest.get("documents_log") or {}
    if "documents" in manifest:  # format 1
        docs, pos = {k: DocRecord.from_json(v) for k, v in manifest["documents"].items()}, None
    elif base and base.log == (log.get("file"), log.get("bytes", 0)):
        # The log has not moved (or the writer that just wrote it hands over its records): nothing to read.
        return _snapshot(root, manifest, stamp, base, fresh, base.docs, base.by_source, base.log)
    elif base and base.log and base.log[0] == log.get("file") and base.log[1] <= log["bytes"]:
        docs = dict(base.docs)  # same log, grown: read only the new lines
        read_log(root / log["file"], base.log[1], log["bytes"], docs)
        pos = (log["file"], log["bytes"])
    else:
        docs = {}
        if log.get("file"):
            read_log(root / log["file"], 0, log["bytes"], docs)
        pos = (log.get("file"), log.get("bytes", 0))
    return _snapshot(root, manifest, stamp, base, fresh, docs, index_sources(docs), pos)


def _snapshot(root: Path, manifest: dict, stamp, base: Snapshot | None, fresh: dict[str, Segment] | None,
              docs: dict[str, DocRecord], by_source: dict[str, str], pos) -> Snapshot:
    """The snapshot of these records: the manifest's segments (loaded ones reused) with their live rows."""
    old = base.segments if base else {}
    segments = {}
    for sid in manifest["segments"]:
        seg = (old[sid].seg if sid in old else None) or (fresh or {}).get(sid) or Segment(root / "segments" / sid)
        segments[sid] = LiveSegment.of(seg, docs, old.get(sid))
    return Snapshot(manifest, segments, docs, by_source, pos, stamp)


