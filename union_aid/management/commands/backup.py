from django.core.management.base import BaseCommand, CommandError

from union_aid.backup import BackupError, make_backup


class Command(BaseCommand):
    help = ("在系统运行时写一份一致的备份（数据库与上传的文件）到 BACKUP_DIR，带时间戳、sha256 校验文件，"
            "只保留最新的 BACKUP_KEEP 份。")

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="directory", help="备份目录（默认 BACKUP_DIR）")
        parser.add_argument("--keep", type=int, help="保留最新的几份（默认 BACKUP_KEEP）")

    def handle(self, *args, directory=None, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep 至少为 1。")
        try:
            path, manifest = make_backup(directory, keep)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"备份已写入 {path}（校验文件 {path.name}.sha256，上传文件 {manifest['files']} 个）。")
