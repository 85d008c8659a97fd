"""Background jobs: long work (an import's check and write, a big export) run by the worker through
the Django Tasks API, with live progress for the job page.

An app declares a kind of job once (``register``): its label, the function that does the work and
the template that shows its outcome. ``start`` saves nothing but enqueues the job's one task with
the job's primary key alone (the task table stores arguments in clear). The worker runs
``run_job``: the job is marked running, the kind's function works and reports through a
``Progress``, and the job ends succeeded (with its outcome and result file) or failed (with the
reason in Chinese).

Progress goes through the ``jobs`` cache, not the database: the work usually runs inside one
all-or-nothing transaction, whose writes no one else sees before the commit, and on SQLite a second
connection could not write during it at all. The same cache entry is the worker's heartbeat:
``reap`` marks failed the running jobs whose worker has not been heard of for JOB_STALE_SECONDS
(the worker was killed), at the worker's start and on demand (``manage.py reap_jobs``).
"""

import datetime
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobState

logger = logging.getLogger(__name__)

KINDS = {}
# how often the worker says it is alive while a job runs (a fraction of the stale time)
HEARTBEAT_FRACTION = 10


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    run: object  # run(job, progress) -> outcome dict; raises ValidationError with a Chinese message
    template: str = ""


def register(key, *, label, run, template=""):
    """Declares a kind of job (an app does it when it is ready)."""
    KINDS[key] = JobKind(key, label, run, template)
    return KINDS[key]


def kind_of(job):
    return KINDS.get(job.kind)


def label_of(job):
    kind = kind_of(job)
    return kind.label if kind else job.kind


def _key(job_pk):
    return f"job-progress:{job_pk}"


def _cache():
    return caches["jobs"]


def _this_worker():
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_dead_here(worker):
    """Whether ``worker`` ("host:pid") was a process of this machine that no longer runs."""
    host, _sep, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Progress:
    """What the running job reports: ``step`` as it goes (written to the cache at most every
    half second, and always on the last step), which is also the worker's heartbeat."""

    def __init__(self, job, interval=0.5):
        self.job_pk, self.interval = job.pk, interval
        self.done, self.total, self.message = 0, 0, ""
        self._written = 0.0
        self._lock = threading.Lock()

    def step(self, done=None, total=None, message=None, *, force=False):
        if total is not None:
            self.total = total
        if done is not None:
            self.done = min(done, self.total) if self.total else done
        if message is not None:
            self.message = message
        now = time.monotonic()
        if force or now - self._written >= self.interval or (self.total and self.done >= self.total):
            self.write()

    def write(self):
        with self._lock:
            self._written = time.monotonic()
            _cache().set(_key(self.job_pk), {
                "done": self.done, "total": self.total, "message": self.message, "beat": time.time(),
                "worker": _this_worker(),
            })

    def beat(self):
        """Says the worker is alive, without changing the figures (a slow step between two rows)."""
        self.write()


def live(job):
    """The job's state and progress as the page shows them: the cache while it runs, the row after."""
    figures = {"done": job.done, "total": job.total, "message": job.message}
    if job.state == JobState.RUNNING:
        cached = _cache().get(_key(job.pk))
        if cached:
            figures.update({name: cached[name] for name in ("done", "total", "message")})
    total, done = figures["total"], figures["done"]
    if job.state == JobState.SUCCEEDED:
        percent = 100
    else:
        percent = int(done * 100 / total) if total else 0
    return {
        "state": job.state, "state_label": job.get_state_display(), "finished": job.is_finished,
        "done": done, "total": total, "percent": percent, "message": figures["message"],
    }


def start(job):
    """Enqueues ``job`` (saved, queued) for the worker: the task gets its primary key only."""
    from .tasks import run_job

    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _finish(job_pk, state, message, **fields):
    Job.objects.filter(pk=job_pk, state=JobState.RUNNING).update(
        state=state, message=message[:500], finished_at=timezone.now(), **fields
    )
    _cache().delete(_key(job_pk))


def _heartbeat(progress, stop):
    period = max(settings.JOB_STALE_SECONDS / HEARTBEAT_FRACTION, 1)
    while not stop.wait(period):
        progress.beat()


def run(job_pk):
    """The worker's side: runs the job ``job_pk`` once (a job no longer queued is left alone)."""
    claimed = Job.objects.filter(pk=job_pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner", "node").get(pk=job_pk)
    kind = kind_of(job)
    progress = Progress(job)
    progress.step(0, 0, _("正在读取……"), force=True)
    stop = threading.Event()
    beating = threading.Thread(target=_heartbeat, args=(progress, stop), daemon=True)
    beating.start()
    try:
        if kind is None:
            raise ValidationError(_("未知的任务类型。"))
        outcome = kind.run(job, progress) or {}
    except ValidationError as error:
        _finish(job_pk, JobState.FAILED, error.messages[0] if error.messages else str(error),
                done=progress.done, total=max(progress.total, progress.done))
    except Exception:
        # the type only: a message or a traceback may quote a row of the sheet
        logger.error("job %s (%s) failed unexpectedly", job_pk, job.kind, exc_info=False)
        _finish(job_pk, JobState.FAILED, _("处理时发生内部错误，请稍后重试或联系管理员。"),
                done=progress.done, total=max(progress.total, progress.done))
        raise
    else:
        message = outcome.pop("message", "") or _("已完成。")
        total = max(progress.total, progress.done)
        _finish(job_pk, JobState.SUCCEEDED, message, done=total, total=total, outcome=outcome)
    finally:
        # the worker itself closes worn-out connections around each task
        stop.set()


def reap(now=None):
    """Marks failed the running jobs whose worker is gone: not heard of for JOB_STALE_SECONDS, or a
    process of this machine that no longer exists (killed mid-job); and the queued ones no worker
    took for a day. Returns how many."""
    now = now or timezone.now()
    stale_after = settings.JOB_STALE_SECONDS
    reaped = 0
    for job in Job.objects.filter(state=JobState.RUNNING):
        cached = _cache().get(_key(job.pk))
        last = cached["beat"] if cached else (job.started_at or job.created_at).timestamp()
        if now.timestamp() - last > stale_after or (cached and _is_dead_here(cached.get("worker"))):
            reaped += Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
                state=JobState.FAILED, finished_at=now,
                message=_("后台处理中断（工作进程已停止），请重新提交。"),
            )
            _cache().delete(_key(job.pk))
    day_ago = now - datetime.timedelta(days=1)
    reaped += Job.objects.filter(state=JobState.QUEUED, created_at__lt=day_ago).update(
        state=JobState.FAILED, finished_at=now, message=_("排队超过一天仍未处理（后台工作进程未运行），请重新提交。"),
    )
    drop_old_files(now)
    return reaped


def drop_old_files(now=None):
    """Deletes the uploaded sheets and reports of jobs finished JOB_FILES_DAYS ago: they hold
    names and ID numbers, and the records they brought in are in the database by then."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.JOB_FILES_DAYS)
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(source="", result=""):
        for file in (job.source, job.result):
            # a confirm shares its preview's sheet: kept while a job that uses it is young or running
            in_use = Job.objects.filter(Q(source=file.name) | Q(result=file.name)).exclude(pk=job.pk).filter(
                Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)).exists()
            if file and not in_use:
                file.storage.delete(file.name)
        Job.objects.filter(pk=job.pk).update(source="", result="")
