"""Backup and restore, end to end, through the real commands in their own processes: a backup taken
while receipts are written one after another is restored into a fresh database and found whole
(every table's rows as the backup counted them, the funds' balances equal to their entries, the
dossier and its members field for field, the uploaded file byte for byte), on SQLite and on
PostgreSQL (whichever the suite runs on). And what is refused: a restore into a database that is
not empty (without --force), a corrupted backup, a backup to a missing or unwritable folder."""

import json
import subprocess
import time
from pathlib import Path

import pytest

from .installation import System


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("template"), "template")
    system.manage("migrate", "--no-input")
    yield system
    system.drop()


@pytest.fixture
def source(tmp_path, migrated):
    system = System(tmp_path, "src", template=migrated)
    yield system
    system.drop()


@pytest.fixture
def target(tmp_path):
    system = System(tmp_path, "dst")
    yield system
    system.drop()


def _wait_for(progress, at_least, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if progress.exists() and progress.read_text() and int(progress.read_text()) >= at_least:
            return int(progress.read_text())
        time.sleep(0.05)
    raise AssertionError(f"the writer did not reach {at_least} writes")


def _only_backup(tmp_path):
    [backup] = sorted((tmp_path / "backups").glob("union-aid-*.tar.gz"))
    return backup


def test_a_backup_taken_while_writes_go_on_restores_whole_into_a_fresh_database(tmp_path, source, target):
    ids = json.loads(source.shell("from tests.backup_scenario import seed; seed()").strip().splitlines()[-1])
    (tmp_path / "backups").mkdir()
    stop, progress = tmp_path / "stop", tmp_path / "progress"
    writer = source.start(f"from tests.backup_scenario import write_until; write_until({str(stop)!r}, {str(progress)!r})")
    try:
        before = _wait_for(progress, 20)
        made = source.manage("backup")
        during = int(progress.read_text())
        _wait_for(progress, during + 20)  # the writer went on after the backup, unhindered
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    assert "备份已写入" in made.stdout
    backup = _only_backup(tmp_path)
    assert Path(f"{backup}.sha256").read_text().split() == [
        subprocess.run(["sha256sum", backup], capture_output=True, text=True).stdout.split()[0], backup.name]

    restored = target.manage("restore", str(backup))
    assert "全部资金的余额与流水一致" in restored.stdout, restored.stdout + restored.stderr

    after, original = target.state(ids["household"]), source.state(ids["household"])
    receipts = len(after["ledger"])
    # the backup holds a moment between the first writes and the last: a prefix of the ledger,
    # with the balance those entries sum to
    assert 1 + before <= receipts <= 1 + during + 1 < len(original["ledger"])
    assert after["ledger"] == original["ledger"][:receipts]
    assert after["balances"] == [[ids["fund"], after["ledger"][-1][3]]]
    assert after["balances"][0][1] == sum(entry[2] for entry in after["ledger"])
    assert after["dossier"] == original["dossier"] and len(after["dossier"]) == 3
    assert after["upload"] == original["upload"] is not None
    # every other table exactly as it was (only the ledger, and the audit log of its receipts, were
    # written meanwhile), and the audit log as long as the ledger
    moving = {"outreach.LedgerEntry", "network.AuditEntry"}
    assert after["rows"]["network.AuditEntry"] == receipts
    assert {k: v for k, v in after["rows"].items() if k not in moving} == {
        k: v for k, v in original["rows"].items() if k not in moving}


def test_a_restore_into_a_database_that_is_not_empty_needs_force(tmp_path, source):
    source.shell("from tests.backup_scenario import seed; seed()")
    (tmp_path / "backups").mkdir()
    source.manage("backup")
    backup = _only_backup(tmp_path)
    source.shell("from outreach.models import Fund; Fund.objects.update(name='改过的名字')")

    refused = source.manage("restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr and "--force" in refused.stderr
    assert "改过的名字" in source.shell("from outreach.models import Fund; print(Fund.objects.get().name)")

    forced = source.manage("restore", str(backup), "--force")
    assert "全部资金的余额与流水一致" in forced.stdout
    assert source.shell("from outreach.models import Fund; print(Fund.objects.get().name)").strip() == "送温暖资金"


def test_a_corrupted_backup_is_refused_and_nothing_changes(tmp_path, source, target):
    source.shell("from tests.backup_scenario import seed; seed()")
    (tmp_path / "backups").mkdir()
    source.manage("backup")
    backup = _only_backup(tmp_path)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))

    refused = target.manage("restore", str(backup), check=False)
    assert refused.returncode != 0 and "校验值" in refused.stderr and "未做任何改动" in refused.stderr
    assert target.shell("from django.db import connection; print(len(connection.introspection.table_names()))"
                        ).strip() == "0"


def test_a_backup_to_a_missing_or_unwritable_folder_is_refused_with_its_reason(tmp_path, source):
    missing = source.manage("backup", "--to", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode != 0 and "不存在" in missing.stderr
    # /proc takes no new files, whoever runs the test (root included)
    unwritable = source.manage("backup", "--to", "/proc", check=False)
    assert unwritable.returncode != 0 and "不可写" in unwritable.stderr


def test_only_the_newest_backups_are_kept(tmp_path, source):
    (tmp_path / "backups").mkdir()
    for _n in range(3):
        source.manage("backup", "--keep", "2")
    kept = sorted((tmp_path / "backups").iterdir())
    assert len([p for p in kept if p.name.endswith(".tar.gz")]) == 2
    assert len([p for p in kept if p.name.endswith(".sha256")]) == 2
    # every family's data: for the system's own account only
    assert {oct(p.stat().st_mode & 0o777) for p in kept} == {"0o600"}
    assert not [p for p in kept if p.name.startswith(".partial")]
