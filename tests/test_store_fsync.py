"""The local writer flushes document files once per commit, and always before the manifest that references them."""
import os

from rag import Assistant
from rag.store import local_writer


def test_document_files_are_synced_at_commit_before_the_manifest(config, seeds, monkeypatch):
    events = []
    real_fsync, real_sync_files, real_write = os.fsync, local_writer.fsync_files, local_writer.write_atomic

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def sync_files(paths, folder):
        events.append(("sync_files", {str(p) for p in paths}))
        return real_sync_files(paths, folder)

    def write(path, data, sync=True):
        events.append(("write", str(path)))
        return real_write(path, data, sync)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(local_writer, "fsync_files", sync_files)
    monkeypatch.setattr(local_writer, "write_atomic", write)

    a = Assistant(config)
    report = a.index([seeds])
    assert len(report.added) == 5
    docs = {str(config.index_dir / "docs" / f"{d.id}.txt") for d in a.store().documents()}
    manifest = str(config.index_dir / "manifest.json")
    first_manifest = events.index(("write", manifest))
    synced = set().union(*(e[1] for e in events[:first_manifest] if e[0] == "sync_files"))
    assert docs <= synced  # every text the manifest references was flushed before it was written
    # ... by one sync_files call per commit, not by an fsync per document as it was added
    assert sum(e[0] == "sync_files" for e in events) == 1
    per_doc = [e for e in events if e[0] == "fsync" and e[1] in docs]
    assert len(per_doc) == len(docs)  # each text fsynced exactly once, inside that call
    for d in a.store().documents():
        assert len(a.store().document_text(d.id)) == d.chars
