import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections

from network import jobs


def _reap_now_and_then(stop):
    # a job whose worker was killed is failed within JOB_STALE_SECONDS even if no worker restarts
    while not stop.wait(settings.JOB_STALE_SECONDS / 2):
        try:
            jobs.reap()
        except OperationalError:
            pass  # SQLite busy with a job's write: the next round will do
        finally:
            close_old_connections()


class Command(BaseCommand):
    help = "运行后台任务工作进程：先把中断的任务标记为失败，再处理排队的任务。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="处理完排队的任务后退出")
        parser.add_argument("--interval", type=float, default=1, help="无任务时的轮询间隔（秒）")
        parser.add_argument("--reload", action="store_true", help="代码变化时重启（仅开发）")

    def handle(self, *args, batch, interval, reload, **options):
        reaped = jobs.reap()
        if reaped:
            self.stdout.write(f"marked {reaped} stale job(s) failed")
        stop = threading.Event()
        if not batch:
            threading.Thread(target=_reap_now_and_then, args=(stop,), daemon=True).start()
        try:
            call_command("db_worker", batch=batch, interval=interval, reload=reload, startup_delay=False,
                         verbosity=options["verbosity"])
        finally:
            stop.set()
