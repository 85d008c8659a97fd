"""The one task of the background worker: run a job (network.jobs) by its primary key."""

from django_tasks import task

from . import jobs


@task()
def run_job(job_pk):
    jobs.run(job_pk)
