"""gunicorn for Union Aid behind nginx (deploy/nginx/union-aid.conf): `gunicorn -c deploy/gunicorn.conf.py`.

Sync workers: every page answers in a fixed number of short queries, and the long work (imports,
big exports) runs in the job worker, not in a request. Two to four workers per core; the database
connections are workers x (1, or the pool's size with DB_POOL=1)."""

import multiprocessing
import os

wsgi_app = "union_aid.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
# an export of a whole county is streamed from a temporary file: give it time, but not forever
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# a worker is replaced now and then, so that a slow leak never grows
max_requests = 2000
max_requests_jitter = 200
# nginx gives the client's address in X-Forwarded-For and the scheme in X-Forwarded-Proto
forwarded_allow_ips = "127.0.0.1"
# gunicorn's own access log would carry query strings (searches by name or ID number): nginx logs
# requests without them; gunicorn logs only its errors, to the journal
accesslog = None
errorlog = "-"
loglevel = "warning"
