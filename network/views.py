from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import audit, jobs
from .accounts import password_set, record_changes, snapshot
from .forms import StaffCreateForm, StaffEditForm
from .models import AuditAction, Job, JobState, Node, Role, User
from .scoping import get_visible_or_404

STAFF_PAGE_SIZE = 50


def _subtree_totals(nodes):
    """Adds ``subtree_nodes`` and ``subtree_staff`` to each node: itself and all below it."""
    staff_counts = dict(
        User.objects.filter(node__in=[n.pk for n in nodes], is_active=True)
        .values_list("node")
        .annotate(c=Count("pk"))
        .order_by()
    )
    by_id = {node.pk: node for node in nodes}
    for node in nodes:
        node.subtree_nodes, node.subtree_staff = 0, 0
    for node in nodes:
        for ancestor_id in node.ancestor_ids:
            ancestor = by_id.get(ancestor_id)
            if ancestor is not None:
                ancestor.subtree_nodes += 1
                ancestor.subtree_staff += staff_counts.get(node.pk, 0)
    return nodes


@login_required
@permission_required("network.view_node", raise_exception=True)
def node_tree(request):
    nodes = _subtree_totals(list(Node.objects.visible_to(request.user).select_related("parent")))
    # depth-first, siblings by code: the order of the county's own register
    code_of = {node.pk: node.code for node in nodes}
    nodes.sort(key=lambda node: [code_of.get(i, "") for i in node.ancestor_ids])
    top_level = min((n.level for n in nodes), default=1)
    return render(request, "network/node_tree.html", {"nodes": nodes, "top_level": top_level})


@login_required
@permission_required("network.view_node", raise_exception=True)
def node_detail(request, pk):
    node = get_visible_or_404(Node, request.user, pk=pk)
    subtree = _subtree_totals(list(Node.objects.filter(path__startswith=node.path).select_related("parent")))
    this = next(n for n in subtree if n.pk == node.pk)
    children = [n for n in subtree if n.parent_id == node.pk]
    context = {
        "node": this,
        "children": children,
        "enterprises": node.enterprises.all(),
        "staff": node.staff.filter(is_active=True) if request.user.has_perm("network.view_user") else None,
        "ancestors": Node.objects.filter(pk__in=node.ancestor_ids).exclude(pk=node.pk).visible_to(request.user),
    }
    return render(request, "network/node_detail.html", context)


@login_required
@permission_required("network.view_user", raise_exception=True)
def staff_list(request):
    staff = User.objects.visible_to(request.user).select_related("node")
    query = request.GET.get("q", "").strip()
    if query:
        staff = staff.filter(Q(name__contains=query) | Q(username__icontains=query) | Q(node__name__contains=query))
    role = request.GET.get("role", "")
    if role in Role.values:
        staff = staff.filter(role=role)
    page = Paginator(staff, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"page": page, "staff": page.object_list, "q": query, "role": role, "roles": Role.choices,
               "query": params.urlencode()}
    return render(request, "network/user_list.html", context)


@login_required
@permission_required("network.add_user", raise_exception=True)
def staff_create(request):
    form = StaffCreateForm(request.POST or None, granted_by=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        record_changes(request.user, user, None)
        messages.success(request, _("账号“%(name)s”已创建。") % {"name": user.display_name})
        return redirect("network:staff_list")
    return render(request, "network/user_form.html", {"form": form, "title": _("新建工作人员账号")})


@login_required
@permission_required("network.change_user", raise_exception=True)
def staff_edit(request, pk):
    account = get_visible_or_404(User, request.user, pk=pk)
    if account.rank > request.user.rank:
        messages.error(request, _("不能修改角色高于您本人的账号。"))
        return redirect("network:staff_list")
    before = snapshot(account)
    form = StaffEditForm(request.POST or None, instance=account, granted_by=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        record_changes(request.user, account, before)
        messages.success(request, _("账号“%(name)s”已保存。") % {"name": account.display_name})
        return redirect("network:staff_list")
    return render(request, "network/user_form.html", {"form": form, "title": _("修改工作人员账号"), "account": account})


@login_required
@permission_required("network.change_user", raise_exception=True)
@require_POST
def staff_toggle_active(request, pk):
    account = get_visible_or_404(User, request.user, pk=pk)
    if account.pk == request.user.pk or account.rank > request.user.rank:
        messages.error(request, _("不能停用您本人或角色高于您本人的账号。"))
    else:
        before = snapshot(account)
        account.is_active = not account.is_active
        account.save(update_fields=["is_active"])
        record_changes(request.user, account, before)
        if account.is_active:
            messages.success(request, _("账号“%(name)s”已启用。") % {"name": account.display_name})
        else:
            messages.success(request, _("账号“%(name)s”已停用。") % {"name": account.display_name})
    return redirect("network:staff_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own password page; the new password is the owner's own (no forced change left),
    with its date for the expiry, and the change is audited."""

    def form_valid(self, form):
        password = form.cleaned_data["new_password1"]
        password_set(actor=self.request.user, account=self.request.user, raw_password=password)
        update_session_auth_hash(self.request, self.request.user)
        return redirect(self.get_success_url())


def get_job_for(user, pk):
    """The job if ``user`` may open it (his own, or within the subtree of a center admin); 404 otherwise."""
    return get_object_or_404(Job.objects.for_user(user).select_related("owner", "node"), pk=pk)


@login_required
@never_cache
def job_detail(request, pk):
    job = get_job_for(request.user, pk)
    kind = jobs.kind_of(job)
    context = {"job": job, "label": jobs.label_of(job), "live": jobs.live(job),
               "outcome_template": kind.template if kind and job.state == JobState.SUCCEEDED else ""}
    return render(request, "network/job_detail.html", context)


def _session_left_alone(view):
    """The session is not saved after this view: a poll is no sign of the user's activity (it must
    not keep an idle session alive), and on SQLite an import's write holds the database's write
    lock for its whole transaction, which the poll would otherwise wait for."""
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        request.session.save = lambda *args, **kwargs: None
        return response

    wrapped.__name__, wrapped.__module__, wrapped.__doc__ = view.__name__, view.__module__, view.__doc__
    return wrapped


@login_required
@never_cache
@_session_left_alone
def job_progress(request, pk):
    """The job's progress for the page's bar (static/js/job_progress.js asks every second)."""
    return JsonResponse(jobs.live(get_job_for(request.user, pk)))


@login_required
@never_cache
def job_result(request, pk):
    job = get_job_for(request.user, pk)
    if not job.result:
        raise Http404
    # a job's file (an error report, a big export) is a copy leaving the system
    audit.record(request.user, AuditAction.EXPORT, job, detail=f"后台任务结果：{jobs.label_of(job)}")
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name or "result.xlsx")
    response["Cache-Control"] = "no-store, private"
    return response
