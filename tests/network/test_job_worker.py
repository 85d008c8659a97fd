"""The real worker (manage.py jobs_worker, django-tasks-db's database worker) runs a queued job
from the task table, on whichever database the suite runs on (SQLite, then PostgreSQL in CI)."""

import pytest
from django.core.management import call_command

from network import jobs
from network.models import Job, JobState


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_a_queued_job_from_the_database_and_runs_it(settings, tmp_path, community, community_clerk):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CACHES = {**settings.CACHES, "jobs": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                                   "LOCATION": str(tmp_path / "progress")}}
    from django_tasks_db.models import DBTaskResult

    registered = jobs.register("test.worker", label="测试", run=lambda job, progress: {"message": f"ran {job.pk}"})
    try:
        job = jobs.start(Job.objects.create(kind="test.worker", owner=community_clerk, node=community))
        assert job.state == JobState.QUEUED
        task = DBTaskResult.objects.get(id=job.task_id)
        assert task.args_kwargs["args"] == [job.pk]  # the key only: nothing personal in the task table
        call_command("jobs_worker", batch=True, verbosity=0)
        job.refresh_from_db()
        assert job.state == JobState.SUCCEEDED and job.message == f"ran {job.pk}"
    finally:
        jobs.KINDS.pop(registered.key)
