#!/usr/bin/env bash
# Local files vs Milvus Lite on one bench set: build, add one document, remove it, then `rag eval` on both
# (the same cached vectors: `rag eval --store milvus` copies the eval index into the collection).
# The figures in README "Milvus backend".
#   bash scripts/milvus_bench.sh [SET (default xquad-zh-dev)] [--limit N]
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-xquad-zh-dev}; shift || true
PY=${PY:-.venv/bin/python}; [ -x "$PY" ] || PY=python
BENCH=../shared/bench/$SET
W=$(mktemp -d -t milvus-bench.XXXXXX)  # under $TMPDIR (default /tmp)
export GRPC_VERBOSITY=NONE
one=$(ls seeds/*.txt | head -1)
mkdir -p "$W/one" && cp "$one" "$W/one/"
t() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk -v a="$s" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}'; }
echo "build $SET/docs: local $(t $PY -m rag index -q "$BENCH/docs" --index "$W/local")," \
     "milvus $(t $PY -m rag index -q "$BENCH/docs" --milvus-uri "$W/m.db" --milvus-collection b)"
echo "add one: local $(t $PY -m rag index -q "$W/one" --index "$W/local")," \
     "milvus $(t $PY -m rag index -q "$W/one" --milvus-uri "$W/m.db" --milvus-collection b)"
f="$W/one/$(basename "$one")"
echo "remove one: local $(t $PY -m rag remove "$f" --index "$W/local")," \
     "milvus $(t $PY -m rag remove "$f" --milvus-uri "$W/m.db" --milvus-collection b)"
$PY -m rag eval "$BENCH" --cache "$W/cache" --json -q "$@" > "$W/local.json"
$PY -m rag eval "$BENCH" --cache "$W/cache" --json -q --store milvus --milvus-uri "$W/e.db" \
    --milvus-collection e "$@" > "$W/milvus.json"
echo "rag eval local:  $(cat "$W/local.json")"
echo "rag eval milvus: $(cat "$W/milvus.json")"
rm -rf "$W"
