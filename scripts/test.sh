#!/usr/bin/env bash
# Runs the whole test suite (browser tests skip, with the reason, where Chromium is missing).
# DATABASE_URL chooses the database (SQLite in memory by default).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
# development settings (plain HTTP for the live test server); Django's runner turns DEBUG off itself
export DEBUG=1
exec .venv/bin/python -m pytest "$@"
