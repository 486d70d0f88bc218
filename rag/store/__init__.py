"""Index storage behind one small interface; `open_store` picks the backend."""
from __future__ import annotations

from .base import DocRecord, IndexMismatch, Store, StoreError
from .local import LocalStore


def open_store(config, *, create: bool = False, model_dim: int | None = None) -> Store:
    backend = getattr(config, "store", "local")
    if backend == "milvus":
        from .milvus import MilvusStore  # pymilvus is an optional extra: imported only when asked for
        return MilvusStore.open(config, create=create, model_dim=model_dim)
    if backend != "local":
        raise StoreError(f"unknown store '{backend}'; use local or milvus")
    return LocalStore.open(config.index_dir, config=config, create=create, model_dim=model_dim)


__all__ = ["DocRecord", "IndexMismatch", "LocalStore", "Store", "StoreError", "open_store"]
