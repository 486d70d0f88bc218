#!/usr/bin/env bash
# The main job: set up, index seeds/ into embeddings/index (unchanged files are skipped), start the chat UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/rag index seeds/
exec .venv/bin/rag serve "$@"
