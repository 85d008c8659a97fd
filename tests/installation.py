"""An installation of the project run in processes of its own (manage.py, gunicorn), with a
database and a media folder of its own: SQLite files in a temporary folder, or PostgreSQL databases
named after the suite's own (``<name>_bk_<suffix>``) on the same server."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


class System:
    """One installation: its database and media folder, driven through manage.py."""

    def __init__(self, tmp_path, name, template=None):
        """A fresh, empty database (a copy of ``template``'s, when given: migrating once is enough)."""
        # not the test run's own database, nor the browser tests' async switch (check --deploy refuses it)
        left_out = ("DATABASE_URL", "SQLITE_PATH", "DJANGO_ALLOW_ASYNC_UNSAFE")
        self.env = {key: value for key, value in os.environ.items() if key not in left_out}
        self.env.update(DEBUG="1", MEDIA_ROOT=str(tmp_path / f"media-{name}"), BACKUP_DIR=str(tmp_path / "backups"),
                        PYTHONPATH=str(BASE_DIR))
        configured = os.environ.get("DATABASE_URL", "")
        if configured.startswith("postgres"):
            config = dj_database_url.parse(configured)
            self.pg_name = f"{config['NAME']}_bk_{name}"
            self.pg_server = config
            self._psql(f'DROP DATABASE IF EXISTS "{self.pg_name}"')
            self._psql(f'CREATE DATABASE "{self.pg_name}"' + (f' TEMPLATE "{template.pg_name}"' if template else ""))
            self.env["DATABASE_URL"] = configured.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.pg_name = None
            self.sqlite = tmp_path / f"{name}.sqlite3"
            self.env["SQLITE_PATH"] = str(self.sqlite)
            if template:
                with sqlite3.connect(template.sqlite) as original, sqlite3.connect(self.sqlite) as copy:
                    original.backup(copy)

    def _psql(self, statement):
        import psycopg

        config = self.pg_server
        with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                             password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)

    def drop(self):
        if self.pg_name:
            self._psql(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args, check=True, env=None):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env or self.env,
                              capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def shell(self, code):
        return self.manage("shell", "--no-imports", "-c", code).stdout

    def start(self, code):
        return subprocess.Popen([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=BASE_DIR,
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def state(self, household):
        return json.loads(self.shell(f"from tests.backup_scenario import state; state({household})"))
