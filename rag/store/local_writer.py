"""Commits to a local index: new segment, merges, document log, manifest, then clean-up.

Order matters for crashes: everything new is written (and fsynced) before manifest.json is replaced, and nothing
is deleted until the new manifest is in place; document texts and page maps are written as they are added and
fsynced together at the commit that references them (one flush per commit, not one per document); the writer
holds the write locks and started from the newest manifest (LocalStore.catch_up), so clean-up only removes what
no committed manifest can reference any more.
The log keeps a commit cheap at any size: adding one document to 100k appends one line; it is rewritten whole
when it has grown to twice the live records.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace

import numpy as np

from ..records import Chunk, Document
from . import merge as merging
from .base import StoreError, now, split_chunk_id
from .book import BookWriter, RecordBook
from .files import FORMAT, fsync_files, manifest_stamp, os_message, remove_files, unreferenced, write_atomic
from .local import LocalStore
from .segment import Segment, fsync_dir
from .snapshot import Snapshot, build_snapshot


class LocalWriter(BookWriter):
    def __init__(self, store: LocalStore, snap: Snapshot):
        super().__init__(RecordBook(snap.docs, snap.by_source))
        self.store, self.root = store, store.root
        self.manifest = json.loads(json.dumps(snap.manifest))  # private copy until commit (no records: small)
        self.manifest.pop("documents", None)
        self.snap = snap
        self.fresh: dict[str, Segment] = {}  # segments written by this writer
        self.upgrade = "documents" in snap.manifest
        self.unsynced: list = []  # docs/ files written since the last commit, fsynced by it

    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]]) -> None:
        """Add a document (or replace the one with the same id). Its text is written now; it becomes
        visible at commit."""
        path = self.root / "docs" / f"{doc.id}.txt"
        # A committed document's files are whole and synced (the id is the content's hash); any other file of
        # that name may be a crashed writer's unsynced leftover, so it is written again.
        committed = doc.id in self.snap.docs
        if not (committed and path.exists()):
            self._write_doc_file(path, doc.text.encode("utf-8"))
        pages = doc.meta.get("pages")
        path = self.root / "docs" / f"{doc.id}.pages.json"
        if pages and not (committed and path.exists()):
            # PDF and scans: the page map (page → character range, line boxes) beside the text, so a citation
            # gets its page; removed with the text.
            self._write_doc_file(path, json.dumps(pages, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        self.stage(doc, chunks, vectors, terms)

    def _write_doc_file(self, path, data: bytes) -> None:
        try:
            write_atomic(path, data, sync=False)
        except OSError as e:
            raise StoreError(os_message(e, path)) from None
        self.unsynced.append(path)

    # ---------- commit ----------
    def _new_segment_id(self) -> str:
        sid = f"s{self.manifest['next_segment']:06d}"
        self.manifest["next_segment"] += 1
        return sid

    def _segment(self, sid: str) -> Segment:
        if sid in self.fresh:
            return self.fresh[sid]
        live = self.snap.segments.get(sid)
        return live.seg if live is not None else Segment(self.root / "segments" / sid)

    def commit(self) -> None:
        """Make everything added or removed so far visible, atomically (the writer stays usable). A disk
        error leaves the previous commit in place and says what to do."""
        manifest_before = json.loads(json.dumps(self.manifest))
        try:
            self._commit()
        except OSError as e:
            self.manifest = manifest_before  # the segments it wrote are garbage, swept by the next commit
            raise StoreError(os_message(e, self.root)) from None

    def _commit(self) -> None:
        root, m, book = self.root, self.manifest, self.book
        if self.unsynced:  # before anything can reference them
            fsync_files(self.unsynced, root / "docs")
            self.unsynced = []
        new = [n for doc_id, n in self.new.items() if doc_id in book.docs]
        if new:
            sid = self._new_segment_id()
            doc_ids, rows, vecs, terms = [], [], [], []
            for doc, chunks, vectors, chunk_terms in new:
                di = len(doc_ids)
                doc_ids.append(doc.id)
                rows.extend((di, c.start, c.end, split_chunk_id(c.id)[1]) for c in chunks)
                vecs.append(vectors)
                terms.extend(chunk_terms)
                book.put(replace(book.docs[doc.id], segment=sid))
            if m["model"].get("dim") is None:
                m["model"]["dim"] = vecs[0].shape[1]
            Segment.write(root / "segments" / sid, doc_ids, rows, np.vstack(vecs), terms)
            self.fresh[sid] = Segment(root / "segments" / sid)
            m["segments"].append(sid)
        for group in merging.plan([self._segment(s) for s in m["segments"]], book):
            sid = self._new_segment_id()
            merged = merging.merge(root / "segments" / sid, [self._segment(s) for s in group], book)
            m["segments"] = [s for s in m["segments"] if s not in group]
            if merged is not None:
                self.fresh[sid] = merged
                m["segments"].append(sid)
        m["updated"] = now()
        m["commit"] = m.get("commit", 0) + 1
        m["counts"] = book.counts()
        compacted = self._write_log()
        write_atomic(root / "manifest.json", json.dumps(m, ensure_ascii=False, indent=1).encode("utf-8"))
        fsync_dir(root)
        # Readers in this process see the commit at once; the snapshot is built from what we already hold.
        snap = build_snapshot(root, json.loads(json.dumps(m)), manifest_stamp(root), self._base_snapshot(),
                              self.fresh)
        self.store.publish(snap)
        self.snap = snap
        self._collect_garbage(sweep=compacted)
        self.new, self.upgrade = {}, False
        book.changed = set()

    def _base_snapshot(self) -> Snapshot:
        """The previous snapshot with the records this writer now holds, at the log position just written, so
        building the new one reads no log."""
        log = self.manifest["documents_log"]
        return Snapshot(self.snap.manifest, self.snap.segments, dict(self.book.docs), dict(self.book.by_source),
                        (log["file"], log["bytes"]), None)

    def _write_log(self) -> bool:
        """Append the changed records to the document log (or write a fresh one when the log has grown to twice
        the live records, or on upgrade from format 1); True when a fresh log was written."""
        root, m, docs = self.root, self.manifest, self.book.docs
        log = m.setdefault("documents_log", {"file": None, "bytes": 0, "lines": 0, "next": 1})
        changed = sorted(self.book.changed)
        lines = [json.dumps({"put": docs[i].to_json()} if i in docs else {"del": i},
                            ensure_ascii=False) + "\n" for i in changed]
        fresh = self.upgrade or not log["file"] or log["lines"] + len(lines) > 2 * len(docs) + 1000
        if fresh:
            name = f"documents-{log['next']:06d}.jsonl"
            data = "".join(json.dumps({"put": d.to_json()}, ensure_ascii=False) + "\n"
                           for d in docs.values()).encode("utf-8")
            write_atomic(root / name, data)
            log.update(file=name, bytes=len(data), lines=len(docs), next=log["next"] + 1)
            m["format"] = FORMAT
            return True
        data = "".join(lines).encode("utf-8")
        with open(root / log["file"], "r+b") as f:
            f.truncate(log["bytes"])  # drop what a crashed writer appended past the committed length
            f.seek(log["bytes"])
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        log.update(bytes=log["bytes"] + len(data), lines=log["lines"] + len(lines))
        return False

    def _collect_garbage(self, sweep: bool) -> None:
        """After the commit: delete segments, logs and texts the manifest no longer points at. Texts: those of
        documents removed by this commit, or (sweep) every unreferenced one, leftovers of crashed writers too.
        Clean-up is best effort: a failure here loses nothing (the next commit tries again)."""
        root, docs = self.root, self.book.docs
        self.fresh = {sid: s for sid, s in self.fresh.items() if sid in self.manifest["segments"]}
        try:
            remove_files(unreferenced(root, self.manifest, docs if sweep else None))
            if not sweep:
                for doc_id in self.book.changed - docs.keys():
                    (root / "docs" / f"{doc_id}.txt").unlink(missing_ok=True)
                    (root / "docs" / f"{doc_id}.pages.json").unlink(missing_ok=True)
        except OSError:
            pass
