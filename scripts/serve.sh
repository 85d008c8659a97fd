#!/usr/bin/env bash
# Sets everything up and serves the demo at http://127.0.0.1:${PORT:-8000} on the embedded SQLite database.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
export DEBUG=${DEBUG:-1}
PORT=${PORT:-8000}
echo "[serve] migrating the database (db.sqlite3)" >&2
.venv/bin/python manage.py migrate --noinput -v0
echo "[serve] loading the demo county (the first time takes about half a minute)" >&2
.venv/bin/python manage.py load_demo
echo
echo "打开 http://127.0.0.1:${PORT} 用上面的任一演示账号登录。按 Ctrl+C 停止。"
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
