from django.conf import settings
from django.core.management.base import BaseCommand

from network.accounts import disable_unused_accounts


class Command(BaseCommand):
    help = "停用 ACCOUNT_UNUSED_DAYS 天（默认 90 天）未登录的账号，每个账号写一条审计日志。"

    def handle(self, *args, **options):
        accounts = disable_unused_accounts()
        for account in accounts:
            self.stdout.write(f"已停用 {account.username}")
        self.stdout.write(f"共停用 {len(accounts)} 个 {settings.ACCOUNT_UNUSED_DAYS} 天未登录的账号。")
