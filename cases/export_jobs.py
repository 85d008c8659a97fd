"""Big exports as background jobs: a roster of more than EXPORT_INLINE_MAX households is written by
the worker (network.jobs) and downloaded from the job page, instead of holding the request.

The job keeps the list's filter (the query string, in the job's own row, never in the task
table) and is run for its owner with his scope and masking, exactly as the page would have."""


from django.core.files import File
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_

from network import jobs
from network.models import Job, Node

from .exports import member_roster_workbook, official_workbook, roster_workbook
from .filters import HouseholdFilter
from .models import Household

EXPORT = "cases.export"
# what is exported: its title (the file's name) and the function that writes it
EXPORTS = {
    "households": (N_("困难职工档案"), roster_workbook),
    "members": (N_("困难职工家庭成员"), member_roster_workbook),
    "official": (N_("困难职工档案表"), official_workbook),
}


def export_rows(user, query):
    """The filterset of ``query`` (a QueryDict) over ``user``'s dossiers, and its rows in the
    export's order: the same for the page and the job."""
    households = Household.objects.visible_to(user).select_related("node", "enterprise")
    filterset = HouseholdFilter(query or None, households, user=user)
    return filterset, filterset.qs.order_by("node__path", "number", "pk")


def export_start(*, user, what, query, unmasked):
    """Queues the export of the list filtered by ``query`` (a query string) for ``user``."""
    node = user.node or Node.objects.get(parent=None)
    job = Job.objects.create(kind=EXPORT, owner=user, node=node,
                             params={"what": what, "query": query, "unmasked": bool(unmasked)})
    return jobs.start(job)


def run_export(job, progress):
    title, write = EXPORTS[job.params["what"]]
    filterset, rows = export_rows(job.owner, QueryDict(job.params.get("query", "")))
    total = rows.count()
    progress.step(0, total, _("正在导出%(n)s户……") % {"n": total}, force=True)
    workbook = write(rows, unmasked=job.params.get("unmasked", False), described=filterset.describe())
    with workbook:
        job.result.save("export.xlsx", File(workbook), save=False)
    job.result_name = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    job.save(update_fields=["result", "result_name"])
    progress.step(total, total)
    return {"message": _("导出完成：共%(n)s户，请下载。") % {"n": total}}


jobs.register(EXPORT, label=N_("花名册导出"), run=run_export)
