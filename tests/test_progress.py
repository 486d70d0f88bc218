"""The upload progress covers reading, embedding and writing (ui/progress.py): it does not reach 100 % when the
files are read, and it moves while a batch embeds."""
from rag.assistant import Assistant
from ui.progress import IndexProgress


def test_fraction_through_read_embed_write():
    p = IndexProgress(total=4, skipped=1)  # one file already indexed
    p.on_read(3, 3, "c.txt")
    read = p.fraction
    assert read < 0.5 and "c.txt" in p.describe()  # all read, nothing embedded: far from done
    p.on_stage("embed", 128, 256)
    half = p.fraction
    p.on_stage("embed", 256, 256)
    embedded = p.fraction
    p.on_stage("write", 0, 1)
    assert read < half < embedded < 1.0 and p.describe().startswith("写入 writing")
    p.on_stage("write", 1, 1)
    assert p.fraction == 1.0


def test_two_batches_do_not_go_backwards():
    p = IndexProgress(total=4)
    seen = []
    for step in [("read", 1), ("read", 2), ("embed", 1.0), ("write", 1.0), ("read", 3), ("read", 4),
                 ("embed", 0.5), ("embed", 1.0), ("write", 0.0), ("write", 1.0)]:
        kind, x = step
        if kind == "read":
            p.on_read(x, 4, f"{x}.txt")
        else:
            p.on_stage(kind, int(x * 10), 10)
        seen.append(p.fraction)
    assert seen == sorted(seen) and seen[-1] == 1.0 and seen[3] == 0.5


def test_assistant_reports_stages(config, seeds):
    stages = []
    Assistant(config).index([seeds], stage=lambda kind, done, total: stages.append((kind, done, total)))
    kinds = [k for k, _, _ in stages]
    assert "embed" in kinds and kinds[-1] == "write" and stages[-1][1:] == (1, 1)
    embeds = [(d, t) for k, d, t in stages if k == "embed"]
    assert embeds[-1][0] == embeds[-1][1]  # every chunk embedded
