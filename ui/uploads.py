"""Uploaded files, stored by content: `<index>/uploads/<sha256><ext>` holds the bytes once, and the name the user
gave is a symbolic link beside it (`古井.txt -> 3fa9….txt`) that becomes the document's source.

Why links: the name → content question ("is this the same file again?") is one readlink, O(1) whatever was
uploaded before. A name is the document's identity within a knowledge base: new bytes under a taken name are a
new version, so the link is repointed atomically (a temporary link renamed over it) and the document is indexed
again under the same source, which moves the name to the new content and drops the old one in that commit.
`.versions.jsonl` beside the links records each version's time, for the documents list.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import unicodedata
from pathlib import Path

from rag.formats import REFUSED, SUPPORTED  # the one list of types, shared with `rag index`

UPLOAD_TYPES = tuple(sorted(SUPPORTED))  # what `rag index` reads: text, PDF, images (OCR), .docx, .xlsx, .csv
# The upload box's label: every type we read, from the one list (the box accepts any file and reports the rest).
UPLOAD_LABEL = f"拖放或点击上传（可多选）· Drop files here, several at once: {' '.join(UPLOAD_TYPES)}"
PIECE = 1024 * 1024  # uploads are copied and hashed a piece at a time: a 200 MB PDF is never one bytes object
_DIGEST_NAME = re.compile(r"[0-9a-f]{64}\.\w+")  # the blobs' own names; a user's file may not take one


class UploadNameError(ValueError):
    """A file name we cannot use; str() says why, `status` is the HTTP status (415 for the type, else 400)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def safe_name(name: str) -> str:
    """A file name that cannot leave the uploads folder: last path part only, no control or format characters
    (zero-width ones included), no leading dots, sane characters, bounded length; the extension is kept
    (lower-cased)."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, ext = os.path.splitext(name)
    stem = re.sub(r"[^\w\-. ()\u3000-\u303f\uff00-\uffef]+", "_", stem).strip(" ._") or "upload"
    return stem[:100] + ext.lower()[:16]


def visible_name(name: str) -> str:
    """The name as a user would read it in a message: last path part, no invisible characters, bounded."""
    base = str(name).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return base if len(base) <= 120 else base[:100] + "…" + base[-10:]


def check_name(name: str) -> str:
    """The file type by extension, after invisible characters are removed; raises UploadNameError."""
    if len(str(name)) > 1000:
        raise UploadNameError(f"文件名太长，请改短 · "
                              f"the file name is {len(str(name)):,} characters long; rename the file to "
                              f"at most 255 characters")
    shown = visible_name(name)
    stem, ext = os.path.splitext(shown)
    if not ext and shown.startswith(".") and shown.count(".") == 1:  # ".txt": zero-width characters removed
        stem, ext = "", shown
    if not stem.strip(" ._"):
        raise UploadNameError("文件名没有可见字符，请改名 · the file name has no visible characters; rename the file")
    if ext.lower() in REFUSED:  # .doc, .wps, .pptx…: say what to do, not just "unsupported"
        raise UploadNameError(f"{shown}: {REFUSED[ext.lower()]}", 415)
    if ext.lower() not in UPLOAD_TYPES:
        raise UploadNameError(f"{shown}: 不支持的文件类型 · unsupported file type '{ext.lower() or 'none'}' "
                              f"(supported: {' '.join(UPLOAD_TYPES)})", 415)
    return ext.lower()


def _pieces(data):
    """The upload's bytes a piece at a time, whatever it came as."""
    if isinstance(data, (bytes, bytearray)):
        yield from (bytes(data[i:i + PIECE]) for i in range(0, len(data), PIECE))
        return
    f = open(data, "rb") if isinstance(data, (str, os.PathLike)) else data
    try:
        f.seek(0)
        while piece := f.read(PIECE):
            yield piece
    finally:
        if f is not data:
            f.close()


VERSIONS = ".versions.jsonl"  # one line per stored version: {"name", "sha256", "time"}


class UploadStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        # One process serves uploads; the lock makes "repoint the link, drop the old bytes" one step, so two
        # clients uploading versions of one name at once leave one link and no orphaned blob.
        self._lock = threading.Lock()

    def put(self, name: str, data) -> Path:
        """Store the bytes (once) and point the name at them: the path to index. `data` is bytes, a file path or
        an open binary file (a spooled upload), copied and hashed a piece at a time. A name holding other bytes
        is a new version of that document: its link is replaced and the old bytes go when nothing else links
        them."""
        self.folder.mkdir(parents=True, exist_ok=True)
        clean = safe_name(name)
        if _DIGEST_NAME.fullmatch(clean):
            clean = "file-" + clean
        ext = os.path.splitext(clean)[1]
        link = self.folder / clean
        # Written under a private name while hashed (the digest is known only at the end), then renamed.
        tmp = self.folder / f".upload-{threading.get_ident()}-{time.monotonic_ns()}{ext}.part"
        sha = hashlib.sha256()
        try:
            with open(tmp, "wb") as out:
                for piece in _pieces(data):
                    sha.update(piece)
                    out.write(piece)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        digest = sha.hexdigest()
        blob = self.folder / f"{digest}{ext}"
        with self._lock:
            if not blob.is_file() or blob.is_symlink():
                os.replace(tmp, blob)
            else:
                tmp.unlink(missing_ok=True)  # these bytes are stored already
            old = os.readlink(link) if link.is_symlink() else None
            if old == blob.name:
                return link  # these bytes under this name already: unchanged
            tmp_link = self.folder / f".{clean}.{threading.get_ident()}.link.part"
            tmp_link.unlink(missing_ok=True)
            os.symlink(blob.name, tmp_link)
            os.replace(tmp_link, link)  # atomic: a reader sees the old version or the new one
            if old is not None and old != blob.name and not self._linked(old):
                (self.folder / old).unlink(missing_ok=True)
            self._log_version(link.name, digest)
        return link

    def target(self, link: Path) -> str | None:
        """The blob a name points at now (None: not a link of ours)."""
        try:
            return os.readlink(link)
        except OSError:
            return None

    def mark_indexed(self, link: Path, target: str | None) -> None:
        """Record that the version `target` of this name is in the index: the link's own time is set to 0.
        A new version is a new link with the current time, so "stale" is one lstat, exact and kept across
        restarts. Nothing is marked when the name was repointed meanwhile (that version's job indexes it)."""
        with self._lock:
            if target is not None and self.target(link) == target:
                os.utime(link, (0, 0), follow_symlinks=False)

    @staticmethod
    def indexed(link: Path) -> bool:
        try:
            return Path(link).lstat().st_mtime == 0
        except OSError:
            return False

    def _linked(self, blob_name: str) -> bool:
        return any(p.is_symlink() and os.readlink(p) == blob_name for p in self.folder.iterdir())

    def _log_version(self, name: str, digest: str) -> None:
        line = json.dumps({"name": name, "sha256": digest, "time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00",
                                                                                time.gmtime())}, ensure_ascii=False)
        with open(self.folder / VERSIONS, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def versions(self) -> dict[str, list[dict]]:
        """Each uploaded name's versions, oldest first: [{"sha256", "time"}] (a name re-used after a delete
        starts again)."""
        out: dict[str, list[dict]] = {}
        try:
            lines = (self.folder / VERSIONS).read_text(encoding="utf-8").splitlines()
        except OSError:
            return out
        for line in lines:
            try:
                v = json.loads(line)
                out.setdefault(v["name"], []).append({"sha256": v["sha256"], "time": v["time"]})
            except (ValueError, KeyError, TypeError):
                continue  # a line cut by a crash: the rest still reads
        return out

    def owns(self, source: str) -> bool:
        path = Path(source)
        return path.parent.resolve() == self.folder.resolve() if os.path.lexists(path) else False

    def discard(self, source: str) -> None:
        """Remove an uploaded name and the bytes it links to (same bytes mean the same document, which goes
        as a whole); files indexed from elsewhere are not ours and stay."""
        path = Path(source)
        if not self.owns(source):
            return
        with self._lock:
            if path.is_symlink():
                blob = self.folder / os.readlink(path)
                path.unlink(missing_ok=True)
                if blob.parent == self.folder and not self._linked(blob.name):
                    blob.unlink(missing_ok=True)
                self._forget(path.name)
            else:
                path.unlink(missing_ok=True)

    def _forget(self, name: str) -> None:
        """A deleted name's version history goes with it (a later upload under the name starts again)."""
        log = self.folder / VERSIONS
        try:
            kept = [line for line in log.read_text(encoding="utf-8").splitlines()
                    if json.loads(line).get("name") != name]
        except (OSError, ValueError):
            return
        tmp = log.with_suffix(".part")
        tmp.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
        os.replace(tmp, log)

    def names(self) -> list[Path]:
        """Every uploaded name (links, and plain files stored by older versions), oldest first."""
        if not self.folder.is_dir():
            return []
        out = [p for p in self.folder.iterdir()
               if not p.name.startswith(".") and (p.is_symlink() or not _DIGEST_NAME.fullmatch(p.name))]
        return sorted(out, key=lambda p: p.lstat().st_mtime)  # indexed ones (time 0) first

    def sweep(self) -> int:
        """Remove blobs no name links to and half-written files (a crash between write and link)."""
        if not self.folder.is_dir():
            return 0
        linked = {os.readlink(p) for p in self.folder.iterdir() if p.is_symlink()}
        removed = 0
        for p in self.folder.iterdir():
            stale_part = p.name.startswith(".") and p.name.endswith(".part")
            orphan = _DIGEST_NAME.fullmatch(p.name) and not p.is_symlink() and p.name not in linked
            if stale_part or orphan:
                p.unlink(missing_ok=True)
                removed += 1
        return removed


def stale(store, path: Path) -> bool:
    """Whether an uploaded name must be (re)indexed: it names no document yet, or the version it points at now
    was not marked indexed (UploadStore.mark_indexed)."""
    doc_id = store.doc_for_source(os.path.normpath(str(path)))
    return doc_id is None or store.document(doc_id) is None or not UploadStore.indexed(path)
