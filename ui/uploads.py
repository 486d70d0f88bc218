"""Uploaded files, stored by content: `<index>/uploads/<sha256><ext>` holds the bytes once, and the name the user
gave is a symbolic link beside it (`古井.txt -> 3fa9….txt`) that becomes the document's source.

Why links: the name → content question ("is this the same file again?") is one readlink, O(1) whatever was
uploaded before, and no upload ever replaces another's bytes: a name already pointing at other content gets the
content's short hash appended (`古井-3fa9c2d1e0b7.txt`), deterministic, so a second upload of those bytes under
that name finds its own link again.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm")
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
        raise UploadNameError(f"the file name is {len(str(name)):,} characters long; rename the file to "
                              f"at most 255 characters")
    shown = visible_name(name)
    stem, ext = os.path.splitext(shown)
    if not ext and shown.startswith(".") and shown.count(".") == 1:  # ".txt": zero-width characters removed
        stem, ext = "", shown
    if not stem.strip(" ._"):
        raise UploadNameError("the file name has no visible characters; rename the file")
    if ext.lower() not in UPLOAD_TYPES:
        raise UploadNameError(f"{shown}: unsupported file type '{ext.lower() or 'none'}' "
                              f"(supported: {' '.join(UPLOAD_TYPES)})", 415)
    return ext.lower()


class UploadStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def put(self, name: str, data: bytes) -> Path:
        """Store the bytes (once) and return the link that names them: the path to index."""
        self.folder.mkdir(parents=True, exist_ok=True)
        clean = safe_name(name)
        if _DIGEST_NAME.fullmatch(clean):
            clean = "file-" + clean
        stem, ext = os.path.splitext(clean)
        digest = hashlib.sha256(data).hexdigest()
        blob = self.folder / f"{digest}{ext}"
        if not blob.is_file() or blob.is_symlink():
            tmp = self.folder / f".{digest}{ext}.part"
            tmp.write_bytes(data)
            os.replace(tmp, blob)
        for candidate in (clean, f"{stem}-{digest[:12]}{ext}", f"{stem}-{digest}{ext}"):
            link = self.folder / candidate
            if link.is_symlink():
                if os.readlink(link) == blob.name:
                    return link  # these bytes under this name already
                continue  # the name holds other content: never replaced
            if os.path.lexists(link):
                continue  # a plain file (stored by an older version): left alone
            try:
                os.symlink(blob.name, link)
            except FileExistsError:  # taken between the look and the link
                continue
            return link
        raise UploadNameError(f"{visible_name(name)}: no free name in the uploads folder")

    def owns(self, source: str) -> bool:
        path = Path(source)
        return path.parent.resolve() == self.folder.resolve() if os.path.lexists(path) else False

    def discard(self, source: str) -> None:
        """Remove an uploaded name and the bytes it links to (same bytes mean the same document, which goes
        as a whole); files indexed from elsewhere are not ours and stay."""
        path = Path(source)
        if not self.owns(source):
            return
        if path.is_symlink():
            blob = self.folder / os.readlink(path)
            path.unlink(missing_ok=True)
            if blob.parent == self.folder:
                blob.unlink(missing_ok=True)
        else:
            path.unlink(missing_ok=True)

    def names(self) -> list[Path]:
        """Every uploaded name (links, and plain files stored by older versions), oldest first."""
        if not self.folder.is_dir():
            return []
        out = [p for p in self.folder.iterdir()
               if not p.name.startswith(".") and (p.is_symlink() or not _DIGEST_NAME.fullmatch(p.name))]
        return sorted(out, key=lambda p: p.lstat().st_mtime)

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
