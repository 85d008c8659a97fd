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
# the background worker (imports, big exports) runs beside the server and stops with it
echo "[serve] starting the background worker (manage.py jobs_worker)" >&2
.venv/bin/python manage.py jobs_worker &
worker=$!
stop_worker() {
  kill -TERM "$worker" 2>/dev/null || return 0
  # a job under way is finished first; after 10 seconds it is cut off (the reaper marks it failed)
  for _ in $(seq 20); do kill -0 "$worker" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo
echo "打开 http://127.0.0.1:${PORT} 用上面的任一演示账号登录。按 Ctrl+C 停止。"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
