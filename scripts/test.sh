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
# Format tests: scans are rendered with WenQuanYi Micro Hei (setup.sh installs OCR's libGL and glib).
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null) \
    || echo "warning: could not install fonts-wqy-microhei; scanned-page tests may be skipped or fail" >&2
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q "$@"
