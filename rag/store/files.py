"""The local index's files: manifest, atomic writes, the write lock, and what disk errors mean to a user."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import faiss

from .base import IndexMismatch, StoreError, now

FORMAT = 2  # 1 kept documents inside manifest.json; it is still read and upgraded at the next commit
READS_FORMATS = (1, 2)
LOCK_WAIT_SECONDS = 600

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write through a temporary file and rename, so no reader sees half a file. sync=False leaves the fsync to
    the caller (`fsync_files` before the commit that references the file: one flush per commit, not per file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        if sync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def fsync_files(paths, folder: Path) -> None:
    """Flush files written with sync=False and then their folder's entries (the renames). On ext4 the first
    fsync commits the journal with the data of every file written before it, so the rest cost next to nothing."""
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # removed again before the commit: nothing references it
            continue
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_manifest(config, model_dim: int | None) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def v(name):  # the installed version, without importing the package (sentence-transformers is slow)
        try:
            return version(name)
        except PackageNotFoundError:
            return None
    return {
        "format": FORMAT, "created": now(), "updated": now(), "commit": 0,
        "versions": {"sentence_transformers": v("sentence-transformers"), "faiss": faiss.__version__,
                     "jieba": v("jieba")},
        "model": {"name": config.model, "dim": model_dim},
        "tokenizer": {"name": "jieba-search", "bigrams": config.use_bigrams,
                      "user_dict": str(config.user_dict) if config.user_dict else None},
        "chunking": {"max_chars": config.chunk_chars, "overlap_chars": config.chunk_overlap_chars},
        "segments": [], "next_segment": 1,
        "documents_log": {"file": None, "bytes": 0, "lines": 0, "next": 1},
        "counts": {"documents": 0, "chunks": 0},
    }


def read_manifest(root: Path) -> dict:
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("segments"), list):
            raise ValueError("not a manifest")
    except FileNotFoundError:
        raise StoreError(f"no index at {root}; build one with: rag index PATH --index {root}") from None
    except (OSError, ValueError) as e:
        raise StoreError(f"{root}/manifest.json is unreadable ({str(e)[:80]}); run rag check --repair") from None
    if manifest.get("format") not in READS_FORMATS:
        raise IndexMismatch(f"index {root} has format {manifest.get('format')}, this version reads {FORMAT}; "
                            f"rebuild it with rag index into a new --index folder")
    return manifest


def manifest_stamp(root: Path):
    try:
        st = os.stat(root / "manifest.json")
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None


def os_message(e: OSError, where) -> str:
    """One line for the disk problems a user can fix."""
    if e.errno == errno.ENOSPC:
        return f"no space left on the device writing {where}; free some space and run the command again"
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {where} ({e.strerror}); check its permissions or use another --index folder"
    return f"cannot write {where} ({e.strerror or e}); the index is unchanged"


def thread_lock(root: Path) -> threading.Lock:
    key = str(Path(root).resolve())
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


@contextlib.contextmanager
def file_lock(root: Path):
    try:
        fd = os.open(root / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as e:
        raise StoreError(os_message(e, root / ".lock")) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(f"another process is still writing to {root}; try again when it is done") from None
                if not told:
                    print(f"waiting for another process writing to {root} ...", file=sys.stderr)
                    told = True
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def unreferenced(root: Path, manifest: dict, docs: dict | None = None) -> list[Path]:
    """Files no committed state reaches: segment folders the manifest does not name (a crashed writer's ".…tmp"
    too), older document logs, and with `docs` the texts and page maps of documents not recorded and half-written
    files. Only the kinds of file a writer makes: anything else in the folder is left alone."""
    live = set(manifest["segments"])
    out = [p for p in (root / "segments").iterdir() if p.name not in live] if (root / "segments").exists() else []
    current = (manifest.get("documents_log") or {}).get("file")
    out += [p for p in root.glob("documents-*.jsonl") if p.name != current]
    if docs is not None and (root / "docs").exists():
        out += [f for f in (root / "docs").iterdir() if f.name.endswith(".tmp")
                or (f.suffix == ".txt" and f.stem not in docs)
                or (f.name.endswith(".pages.json") and f.name[:-len(".pages.json")] not in docs)]
    return out


def remove_files(paths: list[Path]) -> None:
    """Delete files and folders, best effort (the caller holds the write locks)."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
