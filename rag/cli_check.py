"""`rag check [--repair]`: verify a local index and repair what its stored texts allow (rag/store/check.py)."""
from __future__ import annotations


def cmd_check(args) -> int:
    """Verify a local index (manifest ↔ log ↔ records ↔ segments ↔ texts ↔ rows); --repair keeps what is intact,
    rebuilds damaged documents from their stored texts and drops what cannot be rebuilt."""
    from .cli import _config
    from .store import StoreError
    from .store.check import repair, verify
    config = _config(args)
    if config.store != "local":
        raise StoreError("rag check verifies a local index (--index); a Milvus index keeps no files of ours")
    if not (config.index_dir / "manifest.json").exists() and not (config.index_dir / "segments").exists():
        raise StoreError(f"no index at {config.index_dir}; build one with: rag index PATH --index {config.index_dir}")
    if args.repair:
        from .assistant import Assistant
        from .clean import content_spans
        from .records import Document
        assistant = Assistant(config)

        def reindex(writer, items) -> int:  # chunk and embed the stored texts again, under their old names
            docs = [Document(rec.id, rec.sources[0] if rec.sources else rec.id, text, content_spans(text),
                             {"encoding": rec.encoding, "bytes": rec.meta.get("bytes", 0)}) for rec, text in items]
            n = assistant._write(writer, docs)
            for rec, _ in items:
                for other in rec.sources[1:]:
                    writer.add_source(rec.id, other)
            return n
        report = repair(config.index_dir, config, reindex)
    else:
        report, _ = verify(config.index_dir, config)
    for line in report.problems:
        print(f"problem: {line}")
    if args.repair:
        print(f"repaired: {len(report.rebuilt)} documents rebuilt from their texts, {len(report.lost)} could not be "
              f"(index their files again), {len(report.garbage)} unreferenced files removed")
        for doc_id in report.lost:
            print(f"lost: {doc_id}")
        return 0 if not report.lost else 1
    print(f"{report.documents} documents, {report.chunks} chunks, {len(report.problems)} problems, "
          f"{len(report.garbage)} unreferenced files" + ("" if report.ok else "; run rag check --repair"))
    return 0 if report.ok else 1
