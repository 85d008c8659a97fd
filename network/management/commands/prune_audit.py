from django.conf import settings
from django.core.management.base import BaseCommand

from network import audit


class Command(BaseCommand):
    help = "删除早于保存期限（AUDIT_RETENTION_DAYS，至少 183 天）的审计日志；更新的记录数据库本身也拒绝删除。"

    def handle(self, *args, **options):
        count = audit.prune()
        self.stdout.write(f"已删除 {count} 条早于 {settings.AUDIT_RETENTION_DAYS} 天的审计日志。")
