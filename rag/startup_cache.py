"""Start-up data built once and loaded lazily: jieba's prefix dictionary, jieba's IDF table and the English →
Chinese lexicon, each a compact file in a cache folder.

Why: a fresh `rag ask` used to spend ~1 s unmarshalling jieba's 9 MB prefix dictionary, ~1.5 s importing
jieba.analyse (its part-of-speech tables included) for the IDF table, and seconds parsing CC-CEDICT, to look
up the few dozen words of one question. Here each table is a file of 256 marshal shards (by the key's first
character) behind one small header: the file is memory-mapped and a shard unmarshalled the first time a key in
it is asked for. When a large job (indexing) has touched a quarter of the shards, the rest are loaded and the
owner gets one plain dict (`on_full`), so bulk lookups run at dict speed.

Where: $RAG_CACHE_DIR, else $XDG_CACHE_HOME/rag-zh, else ~/.cache/rag-zh. A file's name carries a hash of what
it was built from (the format, the library's version, the source file's size and time, and the source of the
code that builds it), so a change of any of them builds a new file; older files of the same table are removed.
A folder that cannot be written costs speed only: the table is built in memory, as before.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import mmap
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

FORMAT = 1
SHARDS = 256          # a power of two: the shard of a key is ord(key[0]) & (SHARDS - 1)
PROMOTE_SHARE = 4     # after 1/PROMOTE_SHARE of the shards are loaded, load all into one dict
_MAGIC = b"RAGC"


def cache_dir() -> Path:
    if os.environ.get("RAG_CACHE_DIR"):
        return Path(os.environ["RAG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rag-zh"


def _shard_of(key) -> int:
    return ord(key[0]) & (SHARDS - 1) if key else 0


class Sharded:
    """A read-mostly str-keyed mapping over a shard file (see the module docstring). Supports what jieba and
    our callers use: get, in, [], []= (jieba's add_word), len, iteration."""

    def __init__(self, data, offsets: list[int], size: int, on_full: Callable[[dict], None] | None = None):
        self._data = data            # mmap (or bytes): shard i is data[offsets[i]:offsets[i + 1]]
        self._offsets = offsets
        self._size = size
        self._shards: list[dict | None] = [None] * SHARDS
        self._loaded = 0
        self._on_full = on_full
        self._lock = threading.Lock()

    def _load(self, i: int) -> dict:
        with self._lock:
            shard = self._shards[i]
            if shard is None:
                shard = marshal.loads(self._data[self._offsets[i]:self._offsets[i + 1]])
                self._shards[i] = shard
                self._loaded += 1
        if self._on_full is not None and self._loaded * PROMOTE_SHARE >= SHARDS:
            on_full, self._on_full = self._on_full, None
            on_full(self.to_dict())
        return shard

    def _shard(self, key) -> dict:
        i = ord(key[0]) & (SHARDS - 1) if key else 0
        return self._shards[i] if self._shards[i] is not None else self._load(i)

    def get(self, key, default=None):
        return self._shard(key).get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._shard(key)

    def __getitem__(self, key):
        return self._shard(key)[key]

    def __setitem__(self, key, value) -> None:
        shard = self._shard(key)
        if key not in shard:
            self._size += 1
        shard[key] = value

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        for i in range(SHARDS):
            yield from (self._shards[i] if self._shards[i] is not None else self._load(i))

    def to_dict(self) -> dict:
        out: dict = {}
        for i in range(SHARDS):
            out.update(self._shards[i] if self._shards[i] is not None else self._load(i))
        return out


def fingerprint(*parts) -> str:
    """A hash of versions and files (path, size, mtime; or their bytes for source code: a `.py` path)."""
    h = hashlib.sha256(f"format {FORMAT} python {sys.version_info[:2]}".encode())  # marshal's format may change
    for part in parts:
        if isinstance(part, Path) and part.suffix == ".py":
            h.update(part.read_bytes())
        elif isinstance(part, Path):
            st = part.stat()
            h.update(f"{part}:{st.st_size}:{st.st_mtime_ns}".encode())
        else:
            h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _write(path: Path, table: dict, extra: dict) -> None:
    shards: list[dict] = [{} for _ in range(SHARDS)]
    for k, v in table.items():
        shards[_shard_of(k)][k] = v
    blobs = [marshal.dumps(s) for s in shards]
    header_size = 0
    for _ in range(3):  # offsets count the header, whose length depends on them: settles in two rounds
        offsets, pos = [], len(_MAGIC) + 8 + header_size
        for b in blobs:
            offsets.append(pos)
            pos += len(b)
        offsets.append(pos)
        header = json.dumps({"format": FORMAT, "size": len(table), "offsets": offsets, "extra": extra}).encode()
        if len(header) == header_size:
            break
        header_size = len(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            f.writelines(blobs)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.bin"):
        if old != path:
            old.unlink(missing_ok=True)


def _open(path: Path, on_full) -> tuple[Sharded, dict] | None:
    try:
        with open(path, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        n = int.from_bytes(data[4:12], "little")
        header = json.loads(data[12:12 + n])
        if data[:4] != _MAGIC or header["format"] != FORMAT or header["offsets"][-1] != len(data):
            return None
    except (ValueError, KeyError, IndexError):
        return None
    return Sharded(data, header["offsets"], header["size"], on_full), header["extra"]


def cached_table(name: str, key: str, build: Callable[[], tuple[dict, dict]],
                 on_full: Callable[[dict], None] | None = None) -> tuple[Sharded | dict, dict]:
    """(table, extra) for cache file `name-key.bin`: opened when it is there, else built by `build()` (a dict
    and a small JSON-able dict of extras), written, and opened. Falls back to the built dict when the cache
    folder cannot be written."""
    path = cache_dir() / f"{name}-{key}.bin"
    found = _open(path, on_full)
    if found is not None:
        return found
    table, extra = build()
    try:
        _write(path, table, extra)
    except OSError:
        return table, extra
    found = _open(path, on_full)
    return found if found is not None else (table, extra)


# ---------- the three tables ----------

def _jieba_dir() -> Path:
    import jieba
    return Path(jieba.__file__).parent


def jieba_tokenizer():
    """A jieba.Tokenizer for the default dictionary, initialized from the shard file (no 9 MB unmarshal)."""
    import jieba
    tk = jieba.Tokenizer()
    dict_file = _jieba_dir() / "dict.txt"

    def build():
        with open(dict_file, "rb") as f:
            freq, total = jieba.Tokenizer.gen_pfdict(f)
        return freq, {"total": total}

    def promote(full: dict) -> None:  # bulk work: one plain dict from now on
        tk.FREQ = full

    key = fingerprint("jieba-freq", jieba.__version__, dict_file, Path(__file__))
    tk.FREQ, extra = cached_table("jieba-freq", key, build, promote)
    tk.total = extra["total"]
    tk.initialized = True
    return tk


def idf_table() -> tuple[Sharded | dict, float]:
    """jieba's IDF table (jieba/analyse/idf.txt, parsed as jieba.analyse does) and its median, without importing
    jieba.analyse (which also loads the part-of-speech tables)."""
    import jieba
    idf_file = _jieba_dir() / "analyse" / "idf.txt"

    def build():
        table = {}
        for line in idf_file.read_bytes().decode("utf-8").splitlines():
            word, freq = line.strip().split(" ")
            table[word] = float(freq)
        return table, {"median": sorted(table.values())[len(table) // 2]}

    key = fingerprint("jieba-idf", jieba.__version__, idf_file, Path(__file__))
    table, extra = cached_table("jieba-idf", key, build)
    return table, extra["median"]


def lexicon_index(build: Callable[[], dict], data_file: Path, module_file: Path) -> Sharded | dict:
    """The English → Chinese lexicon (rag/lexicon.py builds it from CC-CEDICT, ranking by jieba's word
    frequencies): rebuilt when the data file, lexicon.py or jieba's dictionary changes."""
    import jieba
    key = fingerprint("lexicon", jieba.__version__, _jieba_dir() / "dict.txt", data_file, module_file,
                      Path(__file__))
    table, _ = cached_table("lexicon", key, lambda: (build(), {}))
    return table
