"""Files → Documents: find the files, decode their bytes honestly, turn HTML into text, mark boilerplate.
PDF, images, Word and spreadsheets are read by rag/formats (one canonical text plus a page map).

Every file that cannot be used raises IngestError with a one-line reason; callers report it and go on.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import formats
from .clean import content_spans
from .html_text import html_to_text
from .records import Document

# The one set of extensions we index (CLI, UI and API all take it from rag.formats).
SUPPORTED = formats.SUPPORTED

# Magic numbers of formats people commonly drop by mistake: named so the message says what the file is.
_MAGIC = [
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or Office file)"), (b"\x7fELF", "an ELF executable"),
    (b"%PDF", "a PDF"), (b"\x1f\x8b", "a gzip archive"), (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "an old Office file"), (b"7z\xbc\xaf", "a 7z archive"), (b"Rar!", "a RAR archive"),
]


class IngestError(Exception):
    """A file that cannot be indexed; str() is the one-line reason, naming the file."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None  # decoded, but something was off (truncated tail, mixed encodings)


def find_files(paths: list[str | os.PathLike]) -> tuple[list[Path], list[str]]:
    """Expand folders (recursively, sorted, symlink loops safe, hidden files and folders left out) into supported
    files; return (files, problems). Nothing is skipped silently: a file of a known but refused type (.doc) gets
    its own line saying what to do, other types one line per folder with counts by type."""
    files: list[Path] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(f"{path}: no such file or folder")
        elif path.is_dir():
            skipped: Counter[str] = Counter()
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith("."):
                        continue
                    f = Path(root) / name
                    ext = f.suffix.lower()
                    if ext in formats.REFUSED:
                        problems.append(f"{f}: {formats.REFUSED[ext]}")
                    elif ext not in SUPPORTED:
                        skipped[ext or "(no extension)"] += 1
                    else:
                        real = f.resolve()
                        if real not in seen and real.is_file():
                            seen.add(real)
                            files.append(f)
            if skipped:
                kinds = " ".join(f"{ext} ({n})" if n > 1 else ext for ext, n in sorted(skipped.items()))
                problems.append(f"{path}: skipped {sum(skipped.values())} file{'s' * (sum(skipped.values()) > 1)} "
                                f"of types {kinds}; supported: {formats.supported_list()}")
        elif path.suffix.lower() in formats.REFUSED:
            problems.append(f"{path}: {formats.REFUSED[path.suffix.lower()]}")
        elif path.suffix.lower() not in SUPPORTED:
            problems.append(f"{path}: unsupported file type '{path.suffix or 'none'}' "
                            f"(supported: {formats.supported_list()})")
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            files.append(path)
    return files, problems


def decode(data: bytes, name: str = "file") -> Decoded:
    """Bytes → text in UTF-8/16/32 (BOM or not), GB18030 (GBK, GB2312) or Big5; IngestError if none fits."""
    if not data.strip():
        raise IngestError(f"{name}: 空文件 · empty file")
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _verified(_strict(data, enc, name), enc if enc != "utf-8-sig" else "utf-8-bom", name)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name}: 二进制文件，不是文本，请先转成 .txt · "
                              f"binary file ({what}), not text; convert it to .txt first")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _verified(_strict(data, utf16, name), utf16, name)
    if b"\x00" in data:
        raise IngestError(f"{name}: 二进制文件（含 NUL 字节），不是文本 · binary file (contains NUL bytes), not text")
    return _decode_8bit(data, name)


_LEGACY = ("gb18030", "cp950", "big5hkscs")


def _label(enc: str) -> str:
    return "big5" if enc in ("cp950", "big5hkscs") else enc


def _decode_8bit(data: bytes, name: str) -> Decoded:
    try:
        return _verified(data.decode("utf-8"), "utf-8", name)
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            # A file cut off in the middle of its last character: keep everything before it.
            return _verified(data[:e.start].decode("utf-8"), "utf-8", name,
                             warning=f"{name}: ends in a cut-off character (truncated file?); indexed the rest")
    candidates = []
    for enc in _LEGACY:
        for cut in range(0, 2):  # a legacy double-byte file cut after a lead byte: drop it
            try:
                candidates.append((data[:len(data) - cut].decode(enc), enc, cut))
                break
            except UnicodeDecodeError:
                continue
    if candidates:
        text, enc, cut = max(candidates, key=lambda c: (_plausibility(c[0]), -c[2]))
        warning = f"{name}: ends in a cut-off character (truncated file?); indexed the rest" if cut else None
        return _verified(text, _label(enc), name, warning=warning)
    return _decode_lines(data, name)


def _decode_lines(data: bytes, name: str) -> Decoded:
    """Last resort for files pasted together from several encodings: decode line by line."""
    parts, used = [], set()
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
            used.add("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        options = []
        for enc in _LEGACY:
            try:
                options.append((line.decode(enc), enc))
            except UnicodeDecodeError:
                continue
        if not options:
            raise IngestError(f"{name}: 无法识别编码，请另存为 UTF-8 · "
                              f"cannot decode as UTF-8, UTF-16, GB18030/GBK or Big5 "
                              f"(corrupt or another encoding); re-save it as UTF-8")
        text, enc = max(options, key=lambda o: _plausibility(o[0]))
        parts.append(text)
        used.add(_label(enc))
    label = "mixed (" + "+".join(sorted(used)) + ")"
    return _verified("".join(parts), label, name, warning=f"{name}: lines in different encodings ({label[7:-1]}); "
                     f"decoded line by line, check the result")


def _strict(data: bytes, enc: str, name: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        raise IngestError(f"{name}: 编码损坏（文件被截断？），请另存为 UTF-8 · "
                          f"not valid {enc} although it looks like it (truncated?); "
                          f"re-save it as UTF-8") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text has NUL in every other byte for ASCII, and rarely NULs elsewhere; guess the byte order."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # ASCII (and Latin-1) characters put a NUL in the high byte: most NULs sit on one side.
    for nul, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if (nul >= 1 and other <= nul and _decodes(data, enc)
                and _printable_share(data[:8192].decode(enc, "ignore")) > 0.95):
            return enc
    # CJK-only UTF-16 has no NULs at all: accept when it decodes to mostly CJK and the 8-bit decodings fail.
    if b"\x00" not in sample and not _decodes(sample, "utf-8") and not _decodes(sample, "gb18030"):
        for enc in ("utf-16-le", "utf-16-be"):
            if _decodes(data, enc) and _plausibility(data.decode(enc)[:2000]) > 0.6:
                return enc
    return None


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def _printable_share(text: str) -> float:
    """Share of characters that are ordinary text: CJK, letters, digits, punctuation, whitespace."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r") - sum(
        1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF or 0xD800 <= ord(ch) <= 0xDFFF)
    return ok / len(text)


def _plausibility(text: str) -> float:
    """How much of the text's Chinese reads as real words: share of CJK characters that jieba puts into
    dictionary words of two or more characters. Mojibake (Big5 bytes read as GBK) scores far lower."""
    from .tokenize import word_coverage
    return word_coverage(text[:3000])


def _verified(text: str, encoding: str, name: str, warning: str | None = None) -> Decoded:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError(f"{name}: 只有空白，没有可索引的内容 · only whitespace, nothing to index")
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0xE000 <= ord(ch) <= 0xF8FF
              or ch == "\ufffd")
    if bad / len(sample) > 0.02:
        raise IngestError(f"{name}: 含大量控制或替换字符（二进制或编码错误），请另存为 UTF-8 · "
                          f"decoded as {encoding} but {bad} characters are control or replacement "
                          f"characters: binary or wrongly encoded; re-save it as UTF-8")
    return Decoded(text, encoding, warning)


def load(path: str | os.PathLike, max_bytes: int = 64 * 1024 * 1024, source: str | None = None,
         max_pages: int = formats.DEFAULT_MAX_PAGES, progress: Callable[[int, int], None] | None = None) -> Document:
    """Read one file into a Document (raises IngestError with a one-line reason). `max_bytes` bounds text files;
    PDF, images, Word and Excel files have their own limits (formats.MAX_BYTES), and `max_pages` bounds PDFs and
    multi-page images. progress(page, pages) follows a PDF or scan page by page."""
    path = Path(path)
    name = source or str(path)
    ext = path.suffix.lower()
    if ext in formats.REFUSED:
        raise IngestError(f"{name}: {formats.REFUSED[ext]}")
    limit = formats.MAX_BYTES.get(ext, max_bytes)
    try:
        size = path.stat().st_size
        if size > limit:
            raise IngestError(f"{name}: 文件太大，请拆分 · "
                              f"too large ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB limit for "
                              f"{ext or 'this type'}); split it")
        if formats.is_structured(ext):  # read by its own reader, page by page: never all bytes at once
            try:
                return from_extracted(formats.extract(path, max_pages, progress), name, size)
            except formats.FormatError as e:
                raise IngestError(f"{name}: {e}") from None
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{name}: 无法读取 · cannot read ({e.strerror or e})") from None
    if ext == ".csv":
        try:
            decoded = decode(data, name)
            doc = from_extracted(formats.read_csv(decoded.text, decoded.encoding), name, len(data))
            if decoded.warning:
                doc.meta["warning"] = decoded.warning
            return doc
        except formats.FormatError as e:
            raise IngestError(f"{name}: {e}") from None
    return from_bytes(data, name, html=ext in (".html", ".htm"))


def from_extracted(ex: formats.Extracted, name: str, size: int) -> Document:
    """A PDF, scan, Word or spreadsheet read by rag/formats → Document; the page map rides in meta["pages"] (the
    store writes it beside the text), running headers and footers are left out of the indexed spans."""
    spans = formats.without(ex.text, content_spans(ex.text), ex.boilerplate)
    if not spans:
        raise IngestError(f"{name}: 只有页眉页脚或模板文字，没有可索引的内容 · "
                          f"nothing but headers, footers or boilerplate to index")
    doc_id = hashlib.sha256(ex.text.encode("utf-8")).hexdigest()[:16]
    meta: dict = {"encoding": ex.kind, "bytes": size}
    if ex.pages:
        meta["pages"] = formats.pages_json(ex.pages, ex.boilerplate)
    if ex.warning:
        meta["warning"] = f"{name}: {ex.warning}"
    return Document(id=doc_id, source=name, text=ex.text, spans=spans, meta=meta)


def from_bytes(data: bytes, name: str, html: bool = False) -> Document:
    decoded = decode(data, name)
    text = decoded.text
    if html or re.match(r"\s*(<!doctype html|<html)", text[:200], re.I):
        text = html_to_text(text)
        if not text.strip():
            raise IngestError(f"{name}: 网页没有可见文字 · HTML without any visible text")
    spans = content_spans(text)
    if not spans:
        raise IngestError(f"{name}: 只有链接和导航，没有可索引的内容 · "
                          f"nothing but boilerplate (links, navigation) to index")
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    meta = {"encoding": decoded.encoding, "bytes": len(data)}
    if decoded.warning:
        meta["warning"] = decoded.warning
    return Document(id=doc_id, source=name, text=text, spans=spans, meta=meta)
