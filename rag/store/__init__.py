"""Index storage behind one small interface; `open_store` picks the backend."""
from __future__ import annotations

from .base import DocRecord, IndexMismatch, Store, StoreError
from .local import LocalStore


def open_store(config, *, create: bool = False, model_dim: int | None = None) -> Store:
    return LocalStore.open(config.index_dir, config=config, create=create, model_dim=model_dim)


__all__ = ["DocRecord", "IndexMismatch", "LocalStore", "Store", "StoreError", "open_store"]
