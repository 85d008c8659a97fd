"""Background jobs: who may open a job's page, its live progress, its outcome, and the reaper that
fails the jobs of a killed worker."""

import datetime
import time

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from network import jobs
from network.models import Job, JobState

from ..conftest import make_user


def _job(owner, node, **fields):
    return Job.objects.create(kind="test.kind", owner=owner, node=node, **fields)


@pytest.fixture
def kind():
    """A kind of job whose work the test sets (``kind.work``), registered for the test only."""
    class Kind:
        work = staticmethod(lambda job, progress: {"message": "完成了"})

    registered = jobs.register("test.kind", label="测试任务", run=lambda job, progress: Kind.work(job, progress))
    yield Kind
    jobs.KINDS.pop(registered.key)


def test_the_owner_and_the_admins_above_open_a_job_and_no_one_else(
    client, community, community_clerk, township_admin, center_admin, outsider_admin, township
):
    job = _job(community_clerk, community, state=JobState.SUCCEEDED, message="已完成。")
    colleague = make_user("ranweng_colleague", community)
    url = reverse("network:job_detail", args=[job.pk])
    for user, status in ((community_clerk, 200), (township_admin, 200), (center_admin, 200),
                         (colleague, 404), (outsider_admin, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
        assert client.get(reverse("network:job_progress", args=[job.pk])).status_code == status, user.username


def test_a_job_that_runs_shows_the_progress_its_worker_writes_to_the_cache(client, community, community_clerk):
    job = _job(community_clerk, community, state=JobState.RUNNING, started_at=timezone.now())
    jobs.Progress(job).step(37, 100, "正在检查表格……", force=True)
    client.force_login(community_clerk)
    data = client.get(reverse("network:job_progress", args=[job.pk])).json()
    assert data == {**data, "done": 37, "total": 100, "percent": 37, "finished": False, "message": "正在检查表格……"}
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-running="1"' in page and "js/job_progress.js" in page and "<script>" not in page


def test_a_started_job_runs_through_the_task_with_its_key_only_and_keeps_its_outcome(community, community_clerk, kind):
    seen = {}

    def work(job, progress):
        seen["job"] = job.pk
        progress.step(2, 2)
        return {"message": "共2项", "counts": {"new": 2}}

    kind.work = staticmethod(work)
    job = jobs.start(_job(community_clerk, community))
    assert seen == {"job": job.pk}
    assert job.state == JobState.SUCCEEDED and job.message == "共2项" and job.outcome == {"counts": {"new": 2}}
    assert (job.done, job.total) == (2, 2) and job.task_id and job.finished_at


def test_a_refused_job_fails_with_its_chinese_reason_and_a_crash_with_no_detail(community, community_clerk, kind):
    def refuse(job, progress):
        raise ValidationError("第37行：身份证号码校验位不正确")

    kind.work = staticmethod(refuse)
    assert jobs.start(_job(community_clerk, community)).message == "第37行：身份证号码校验位不正确"

    def crash(job, progress):
        raise RuntimeError("532526197503140019 张志强")

    kind.work = staticmethod(crash)
    failed = jobs.start(_job(community_clerk, community))
    assert failed.state == JobState.FAILED and "532526" not in failed.message and "内部错误" in failed.message


def test_a_job_is_run_once_however_often_its_task_comes(community, community_clerk, kind):
    runs = []
    kind.work = staticmethod(lambda job, progress: runs.append(job.pk) or {})
    job = jobs.start(_job(community_clerk, community))
    jobs.run(job.pk)
    assert runs == [job.pk]


def test_the_reaper_fails_running_jobs_whose_worker_is_gone_and_leaves_live_ones(community, community_clerk, settings):
    now = timezone.now()
    silent = _job(community_clerk, community, state=JobState.RUNNING, started_at=now - datetime.timedelta(hours=1))
    beating = _job(community_clerk, community, state=JobState.RUNNING, started_at=now - datetime.timedelta(hours=1))
    jobs.Progress(beating).step(5, 10, force=True)
    killed = _job(community_clerk, community, state=JobState.RUNNING, started_at=now)
    caches["jobs"].set(f"job-progress:{killed.pk}", {"done": 1, "total": 9, "message": "", "beat": time.time(),
                                                     "worker": f"{jobs.socket.gethostname()}:999999999"})
    forgotten = _job(community_clerk, community, created_at=now - datetime.timedelta(days=2))
    waiting = _job(community_clerk, community)
    assert jobs.reap() == 3
    for job in (silent, killed, forgotten):
        job.refresh_from_db()
        assert job.state == JobState.FAILED and job.finished_at, job.pk
    assert "中断" in silent.message
    beating.refresh_from_db()
    waiting.refresh_from_db()
    assert beating.state == JobState.RUNNING and waiting.state == JobState.QUEUED


def test_reap_jobs_can_be_run_on_demand(community, community_clerk):
    from io import StringIO

    from django.core.management import call_command

    job = _job(community_clerk, community, state=JobState.RUNNING,
               started_at=timezone.now() - datetime.timedelta(hours=1))
    out = StringIO()
    call_command("reap_jobs", stdout=out)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "1" in out.getvalue()


def test_a_finished_jobs_result_is_downloaded_only_by_those_who_may_open_it(client, community, community_clerk,
                                                                            outsider_admin):
    from django.core.files.base import ContentFile

    job = _job(community_clerk, community, state=JobState.SUCCEEDED, result_name="清单.xlsx")
    job.result.save("x.xlsx", ContentFile(b"PK-report"), save=True)
    client.force_login(community_clerk)
    response = client.get(reverse("network:job_result", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK-report"
    assert "no-store" in response["Cache-Control"]
    client.force_login(outsider_admin)
    assert client.get(reverse("network:job_result", args=[job.pk])).status_code == 404


def test_asking_a_jobs_progress_does_not_keep_the_session_alive(client, community, community_clerk):
    job = _job(community_clerk, community, state=JobState.RUNNING, started_at=timezone.now())
    client.force_login(community_clerk)
    from django.contrib.sessions.models import Session

    key = client.session.session_key
    expires = Session.objects.get(session_key=key).expire_date
    time.sleep(1.1)
    client.get(reverse("network:job_progress", args=[job.pk]))
    assert Session.objects.get(session_key=key).expire_date == expires
    client.get(job.get_absolute_url())
    assert Session.objects.get(session_key=key).expire_date > expires


def test_the_files_of_jobs_finished_a_week_ago_are_deleted(community, community_clerk, settings):
    from django.core.files.base import ContentFile

    old = _job(community_clerk, community, state=JobState.SUCCEEDED,
               finished_at=timezone.now() - datetime.timedelta(days=settings.JOB_FILES_DAYS + 1))
    old.source.save("sheet.xlsx", ContentFile(b"PK-names-and-ids"), save=True)
    recent = _job(community_clerk, community, state=JobState.SUCCEEDED, finished_at=timezone.now())
    recent.result.save("report.xlsx", ContentFile(b"PK-report"), save=True)
    path = old.source.path
    jobs.reap()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.source and not jobs.os.path.exists(path)
    assert recent.result and jobs.os.path.exists(recent.result.path)
