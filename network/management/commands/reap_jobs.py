from django.core.management.base import BaseCommand

from network import jobs


class Command(BaseCommand):
    help = "将停止响应的后台任务（工作进程已被终止）标记为失败。"

    def handle(self, *args, **options):
        count = jobs.reap()
        self.stdout.write(f"marked {count} stale job(s) failed")
