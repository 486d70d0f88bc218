"""Poll an upload job's progress every 0.25 s with the real default model: does the fraction move while embedding?
usage: python bench/upload_progress.py /tmp/idx (from the repository root)"""
import sys
import time
from pathlib import Path

from rag.config import Config
from ui.service import Service

index = Path(sys.argv[1])
svc = Service(Config.from_env().with_(index_dir=index))
svc.assistant.embedder.encode(["warm up"])
seeds = sorted(Path("seeds").glob("*.txt"))
# 11 files: the 5 seeds twice over with a line added (new content), one more seed copy → ~80 KB
files = [(f"s{i}-{p.name}", p.read_bytes() + f"\n第{i}份。".encode()) for i, p in enumerate(seeds * 2 + seeds[:1])]
t0 = time.perf_counter()
job = svc.queue_files(files)
seen = []
while not job.wait(0.25):
    if job.progress is not None:
        seen.append((round(time.perf_counter() - t0, 2), job.progress.phase, round(job.progress.fraction, 3),
                     job.done, job.total))
for s in seen:
    print(*s)
print(job.status, job.error)
print("done in", round(time.perf_counter() - t0, 2), "s:", job.report.chunks, "chunks", len(job.report.added), "added")
svc.jobs.stop()
