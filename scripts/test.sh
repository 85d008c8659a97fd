#!/usr/bin/env bash
# Runs the whole test suite. It installs what the browser and PDF tests need (Chromium,
# poppler-utils, the CJK font) when it can; where it cannot, it says what is missing and those
# tests fail instead of skipping quietly (set ALLOW_SKIP=1 to let them skip with the reason).
# DATABASE_URL chooses the database (SQLite in memory by default).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
if ! apt_install chromium poppler-utils; then
  if [ "${ALLOW_SKIP:-0}" != "1" ]; then
    echo "[test] Chromium and poppler-utils are needed for the browser and PDF tests (see above)." >&2
    echo "[test] Install them, or run with ALLOW_SKIP=1 to skip those tests." >&2
    exit 1
  fi
else
  export REQUIRE_BROWSER=1
fi
# development settings (plain HTTP for the live test server); Django's runner turns DEBUG off itself
export DEBUG=1
exec .venv/bin/python -m pytest "$@"
