from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from union_aid.backup import BackupError, counts, restore_backup


class Command(BaseCommand):
    help = ("把一份备份恢复到空数据库（非空时须加 --force），先核对 sha256 校验，恢复后运行 check_ledger 并报告各表行数。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件 union-aid-….tar.gz（其 .sha256 文件须在旁边）")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据的数据库和文件存储")

    def handle(self, *args, path, force=False, **options):
        try:
            manifest = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份（上传文件 {manifest['files']} 个）。")
        restored = counts()
        for label, count in restored.items():
            expected = manifest["counts"].get(label)
            note = "" if expected == count else f"（备份时为 {expected}）"
            self.stdout.write(f"  {label}: {count}{note}")
        call_command("check_ledger", stdout=self.stdout)
        if restored != manifest["counts"]:
            raise CommandError("恢复后的行数与备份时记录的不符。")
