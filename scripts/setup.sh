#!/usr/bin/env bash
# Create .venv and install the project (torch pinned to the CPU build first, so nothing pulls CUDA wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# OCR (scanned PDFs, images) runs through OpenCV, which needs libGL and glib from the system.
if ! ldconfig -p 2>/dev/null | grep 'libGL\.so\.1' >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgl1 libglib2.0-0 >/dev/null) \
    || echo "warning: could not install libgl1 libglib2.0-0; OCR of scans and images will say what to install" >&2
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install -q --disable-pip-version-check -e ".${1:-}"
