"""Backups of the whole system, taken while it runs, and their restore into an empty database.

A backup is one file, ``union-aid-YYYYMMDD-HHMMSS.tar.gz``, beside its checksum
``….tar.gz.sha256`` (the format ``sha256sum -c`` reads, so a copy taken off the machine can be
checked there). Inside: ``manifest.json`` (when, which database, how many rows and files),
the database and the uploaded files (``media/…``, read through the storage API).

The database is copied consistently while others write: on SQLite with SQLite's online backup API,
page by page under its own lock (never a copy of the file: a copied ``db.sqlite3`` beside its
``-wal`` silently restores old data); on PostgreSQL by ``pg_dump -Fc``, which reads one snapshot.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone

PREFIX = "union-aid-"
SUFFIX = ".tar.gz"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media/"
# what the restore reports, and what makes a database "not empty"
COUNTED = ["network.Node", "network.User", "cases.Household", "cases.Member", "outreach.Fund",
           "outreach.LedgerEntry", "outreach.AidRecord", "network.AuditEntry"]
PEOPLE_MADE = ["network.Node", "network.User", "cases.Household"]


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why, in Chinese, and nothing was changed."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment(database):
    """libpq's variables for pg_dump and pg_restore, from the Django settings of ``database``."""
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                          ("NAME", "PGDATABASE")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command, env):
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（Debian: postgresql-client）。") from None
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{completed.stderr.strip()[:500]}")


def _dump_database(target_dir):
    """Writes the database into ``target_dir``; returns the member's name and the row counts of
    exactly what was written (the snapshot the dump is, not the database a moment later)."""
    vendor = connection.vendor
    target = Path(target_dir) / DATABASE_MEMBER.get(vendor, "database")
    if vendor == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            # in one step, under one read lock: in WAL mode writers go on meanwhile, and the copy
            # is the database as it stood when the step began (a step-wise copy restarts at
            # every write of another connection, and under steady writes may never end)
            source.backup(copy)
            tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            rows = {label: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] if table in tables else 0
                    for label, table in _counted_tables()}
        finally:
            copy.close()
            source.close()
    elif vendor == "postgresql":
        # pg_dump reads the snapshot this transaction exports, so the counts are of the same rows
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = counts()
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(target)],
                 _pg_environment(settings.DATABASES["default"]))
    else:
        raise BackupError(f"不支持备份 {vendor} 数据库。")
    return target.name, rows


def _counted_tables():
    return [(label, apps.get_model(label)._meta.db_table) for label in COUNTED]


def _stored_files(directory=""):
    """Every file of the default storage, by name, walking its folders."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}{name}"
    for folder in folders:
        yield from _stored_files(f"{directory}{folder}/")


def counts():
    """{label: rows} of the tables the restore reports (0 for a table that does not exist yet)."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        result = {}
        for label, table in _counted_tables():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                result[label] = cursor.fetchone()[0]
            else:
                result[label] = 0
    return result


def _free_name(directory):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name, n = f"{PREFIX}{stamp}{SUFFIX}", 1
    while (directory / name).exists():
        n += 1
        name = f"{PREFIX}{stamp}-{n}{SUFFIX}"
    return name


def backups_in(directory):
    """The backups in ``directory``, oldest first (their names sort by time)."""
    return sorted(p for p in Path(directory).glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def make_backup(directory=None, keep=None):
    """Writes a backup into ``directory`` (BACKUP_DIR), keeps the newest ``keep`` (BACKUP_KEEP) and
    returns (path, manifest). The file appears under its name only once it is complete."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = keep or settings.BACKUP_KEEP
    if not directory.is_dir():
        raise BackupError(f"备份目录 {directory} 不存在：请先建好它（并只让运行本系统的账号可读写）。")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"备份目录 {directory} 不可写：请检查它的属主和权限。")
    name = _free_name(directory)
    try:
        work_dir = tempfile.TemporaryDirectory(dir=directory, prefix=".partial-")
    except OSError as error:
        raise BackupError(f"备份目录 {directory} 不可写（{error.strerror}）：请检查它的属主和权限。") from None
    with work_dir as work:
        member, rows = _dump_database(work)
        files = list(_stored_files())
        manifest = {
            "format": 1,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "database_member": member,
            "files": len(files),
            "counts": rows,
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = Path(work) / name
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(work) / "manifest.json", arcname="manifest.json")
            archive.add(Path(work) / member, arcname=member)
            for stored in files:
                with default_storage.open(stored, "rb") as handle:
                    info = tarfile.TarInfo(MEDIA + stored)
                    info.size = default_storage.size(stored)
                    archive.addfile(info, handle)
        checksum = sha256_of(partial)
        # every family's data: readable by the system's own account only, whatever the umask
        os.chmod(partial, 0o600)
        os.replace(partial, directory / name)
    sidecar = directory / f"{name}.sha256"
    sidecar.write_text(f"{checksum}  {name}\n", encoding="ascii")
    os.chmod(sidecar, 0o600)
    for old in backups_in(directory)[:-keep]:
        old.unlink()
        Path(f"{old}.sha256").unlink(missing_ok=True)
    return directory / name, manifest


def verify(path):
    """Refuses a backup whose checksum file is missing or does not match it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}。")
    sidecar = Path(f"{path}.sha256")
    if not sidecar.is_file():
        raise BackupError(f"找不到校验文件 {sidecar.name}，无法确认备份完好，未做任何改动。")
    expected = sidecar.read_text(encoding="ascii").split()[0]
    if sha256_of(path) != expected:
        raise BackupError(f"备份文件 {path.name} 的校验值与 {sidecar.name} 不符：文件已损坏或被改动，未做任何改动。")


def what_is_there():
    """What makes the target not empty: rows people made, and stored files. {} when empty."""
    found = {label: n for label, n in counts().items() if label in PEOPLE_MADE and n}
    files = sum(1 for _name in _stored_files())
    if files:
        found["files"] = files
    return found


def restore_backup(path, *, force=False):
    """Restores the backup at ``path`` into this system's database and storage, which must be
    empty unless ``force``; returns the manifest. The caller runs check_ledger and reports counts."""
    verify(path)
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest["database"] != connection.vendor:
            raise BackupError(f"这是 {manifest['database']} 数据库的备份，当前数据库是 {connection.vendor}，不能直接恢复。")
        present = what_is_there()
        if present and not force:
            listed = "、".join(f"{label} {n}" for label, n in present.items())
            raise BackupError(f"目标数据库或文件存储不是空的（{listed}）：未做任何改动。确要覆盖，请加 --force。")
        with tempfile.TemporaryDirectory() as work:
            archive.extract(manifest["database_member"], work, filter="data")
            _load_database(Path(work) / manifest["database_member"])
            for member in archive.getmembers():
                if member.isfile() and member.name.startswith(MEDIA):
                    name = member.name.removeprefix(MEDIA)
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    saved = default_storage.save(name, File(archive.extractfile(member)))
                    if saved != name:
                        raise BackupError(f"文件 {name} 恢复后名称变为 {saved}。")
    return manifest


def _load_database(dump):
    vendor = connection.vendor
    connections.close_all()
    if vendor == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
              "--exit-on-error", "-d", settings.DATABASES["default"]["NAME"], str(dump)],
             _pg_environment(settings.DATABASES["default"]))
    connections.close_all()
