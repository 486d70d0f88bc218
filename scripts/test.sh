#!/usr/bin/env bash
# Set up with test dependencies, install the browser for UI tests when we can, lint (ruff: pyflakes, import order,
# bugbear; settings in pyproject.toml), then run the test suite. A lint finding fails the run before any test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "[test]"
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null) \
    || echo "warning: could not install chromium; browser tests will be skipped" >&2
fi
# Format tests: scans are rendered with WenQuanYi Micro Hei; OCR's OpenCV (opencv-python) needs libGL and glib.
if { [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || ! ldconfig -p | grep -q 'libGL\.so\.1'; } \
    && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei libgl1 libglib2.0-0 >/dev/null) \
    || echo "warning: could not install fonts-wqy-microhei/libgl1; OCR tests may be skipped or fail" >&2
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q "$@"
