import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scoping import ScopedManager, ScopedQuerySet


class NodeKind(models.TextChoices):
    CENTER = "center", _("县困难职工援助分中心")
    TOWNSHIP = "township", _("乡镇工会联合会")
    SYSTEM = "system", _("系统工会援助站")
    COMMUNITY = "community", _("社区援助分站")
    ENTERPRISE = "enterprise", _("企业援助工作点")


# The four levels of the network: each kind sits at one level, directly under the level above.
KIND_LEVEL = {
    NodeKind.CENTER: 1,
    NodeKind.TOWNSHIP: 2,
    NodeKind.SYSTEM: 2,
    NodeKind.COMMUNITY: 3,
    NodeKind.ENTERPRISE: 4,
}


# ids in the path are zero-padded so that ordering by path lists a parent before its children
# and siblings in the order they were created (2 before 10)
PATH_DIGITS = 8


class Node(models.Model):
    """A post of the four-level aid network. ``path`` is the chain of ids from the center down."""

    code = models.CharField(
        _("编码"),
        max_length=32,
        unique=True,
        error_messages={"unique": _("编码已被其他节点使用，请换一个。")},
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=NodeKind.choices)
    level = models.PositiveSmallIntegerField(_("层级"), editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级节点"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True, default="")
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    # the path follows the parent (rewritten below it by save): the parent's change is the record
    history = HistoricalRecords(excluded_fields=["path"])
    objects = ScopedManager()
    scope_node = ""

    class Meta:
        verbose_name = _("网络节点")
        verbose_name_plural = _("网络节点")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="center"),
                name="network_node_one_center",
                violation_error_message=_("全县只能有一个县援助分中心，它已经存在。"),
            ),
            models.CheckConstraint(
                condition=Q(kind="center", parent__isnull=True) | (~Q(kind="center") & Q(parent__isnull=False)),
                name="network_node_center_is_the_only_root",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="network_node_level_1_to_4"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # level and path are derived from kind and parent; keep them and the subtree's paths true.
        self.level = KIND_LEVEL[self.kind]
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = f"{self.parent.path if self.parent_id else ''}{self.pk:0{PATH_DIGITS}d}/"
            if new_path != old_path:
                Node.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    Node.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                    )
                self.path = new_path

    def get_absolute_url(self):
        return reverse("network:node_detail", args=[self.pk])

    def clean(self):
        if not self.kind:
            return
        level = KIND_LEVEL[self.kind]
        if self.kind == NodeKind.CENTER:
            if self.parent_id:
                raise ValidationError({"parent": _("县援助分中心是网络的顶端，不能有上级节点。")})
            return
        if not self.parent_id:
            raise ValidationError({"parent": _("请选择上级节点。")})
        parent = self.parent
        if self.pk and (parent.pk == self.pk or parent.path.startswith(self.path)):
            raise ValidationError({"parent": _("不能把节点移到它自己或它的下级节点之下。")})
        if KIND_LEVEL[parent.kind] != level - 1:
            raise ValidationError(
                {
                    "parent": _("%(kind)s只能设在第%(level)s级节点之下，而“%(parent)s”是第%(parent_level)s级。")
                    % {
                        "kind": NodeKind(self.kind).label,
                        "level": level - 1,
                        "parent": parent.name,
                        "parent_level": KIND_LEVEL[parent.kind],
                    }
                }
            )
        if self.pk:
            deepest_below = (
                Node.objects.filter(path__startswith=self.path).exclude(pk=self.pk).aggregate(m=models.Max("level"))["m"]
            )
            if deepest_below and self.level and level != self.level:
                raise ValidationError({"kind": _("该节点下已有下级节点，不能改变它所在的层级。")})

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other):
        return self.path.startswith(other.path)


class EnterpriseNature(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("民营")
    JOINT = "joint", _("股份制")
    FOREIGN = "foreign", _("外资/合资")
    PUBLIC_INSTITUTION = "institution", _("事业单位")
    GOVERNMENT = "government", _("机关")
    INDIVIDUAL = "individual", _("个体")
    OTHER = "other", _("其他")


class EnterpriseCondition(models.TextChoices):
    NORMAL = "normal", _("正常")
    DIFFICULT = "difficult", _("经营困难")
    HALTED = "halted", _("停产")
    SEMI_HALTED = "semi_halted", _("半停产")
    BANKRUPT = "bankrupt", _("破产")
    RESTRUCTURED = "restructured", _("改制")
    CLOSED = "closed", _("关闭")


class Enterprise(models.Model):
    """A unit (enterprise, school, hospital…) whose workers file through a network node."""

    node = models.ForeignKey(
        Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, related_name="enterprises"
    )
    name = models.CharField(_("单位名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    nature = models.CharField(_("单位性质"), max_length=16, choices=EnterpriseNature.choices)
    condition = models.CharField(
        _("经营状况"), max_length=16, choices=EnterpriseCondition.choices, default=EnterpriseCondition.NORMAL
    )
    industry = models.CharField(_("所属行业"), max_length=60, blank=True)
    employee_count = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    contact_person = models.CharField(_("工会联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    objects = ScopedManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="network_enterprise_unique_name_per_node"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    DATA_ENTRY = "data_entry", _("录入员")
    REVIEWER = "reviewer", _("审核员")
    CENTER_ADMIN = "center_admin", _("中心管理员")
    FINANCE = "finance", _("财务")
    LEADER = "leader", _("领导")


# Who may grant what: a role may be granted only by a user whose own role ranks as high.
ROLE_RANK = {
    Role.DATA_ENTRY: 1,
    Role.LEADER: 1,
    Role.FINANCE: 2,
    Role.REVIEWER: 2,
    Role.CENTER_ADMIN: 3,
}


class UntrackedSavesHistory(HistoricalRecords):
    """History that leaves out ``excluded_fields`` and writes no record for a save of those alone
    (``update_fields``): for an account, a sign-in (last_login) or a rehashed password."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


class UserQuerySet(ScopedQuerySet):
    pass


class StaffUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A staff account: it belongs to one network node and has one role."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    node = models.ForeignKey(
        Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.DATA_ENTRY)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False,
        help_text=_("由他人设置的密码（新建账号、管理员重设），本人登录后须先改成自己的密码。"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)

    # role, node, active and the rest; never the password hash, nor each sign-in
    history = UntrackedSavesHistory(excluded_fields=["password", "last_login", "password_changed_at"])
    objects = StaffUserManager()
    scope_node = "node"

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["node__path", "username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(node__isnull=False), name="network_user_staff_has_a_node"
            ),
        ]

    def __str__(self):
        return self.name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # a rehash at login saves the password field alone, so it leaves this date as it was
        self.password_changed_at = timezone.now()

    @property
    def display_name(self):
        return self.name or self.username

    @property
    def rank(self):
        return 99 if self.is_superuser else ROLE_RANK.get(self.role, 0)

    @property
    def is_center(self):
        """A user at the county center (or a superuser) sees the whole county."""
        return self.is_superuser or (self.node_id is not None and self.node.kind == NodeKind.CENTER)

    @property
    def is_township_or_above(self):
        """The center, a township federation or a system union: the levels that hold the 初审."""
        return self.is_superuser or (self.node_id is not None and self.node.level <= 2)

    def can_grant(self, role, node):
        """Whether this user may give ``role`` at ``node`` to an account: never above his own."""
        if self.is_superuser:
            return True
        if not self.has_perm("network.add_user") or self.node_id is None or node is None:
            return False
        return ROLE_RANK.get(role, 99) <= self.rank and node.path.startswith(self.node.path)


class AuditAction(models.TextChoices):
    """The security-relevant events of the audit log: the key is stored, the label shown. Every
    app's events are listed here, by key, so that the log page and its export can name them."""

    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    LOGOUT = "logout", _("退出登录")
    DOSSIER_VIEW = "dossier_view", _("查看档案")
    REVEAL = "reveal", _("查看完整号码")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    APPROVE = "approve", _("审批通过")
    RETURN = "return", _("退回")
    EXIT = "exit", _("退出帮扶")
    PAYMENT = "payment", _("发放帮扶")
    RECEIPT = "receipt", _("资金收入")
    ALLOCATION = "allocation", _("资金划拨")
    REVERSAL = "reversal", _("冲销")
    ACCOUNT_CREATE = "account_create", _("新建账号")
    ACCOUNT_ROLE = "account_role", _("修改角色")
    ACCOUNT_NODE = "account_node", _("修改所属节点")
    ACCOUNT_ENABLE = "account_enable", _("启用账号")
    ACCOUNT_DISABLE = "account_disable", _("停用账号")
    PASSWORD_CHANGE = "password_change", _("修改本人密码")
    PASSWORD_SET = "password_set", _("设置他人密码")
    STANDARD_CHANGE = "standard_change", _("低保标准变更")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    REFUSED = "refused", _("拒绝")


# The shortest time an entry is kept, in days (six months, as MLPS level 2 asks). The database
# triggers refuse to delete a younger entry; AUDIT_RETENTION_DAYS may only keep entries longer.
AUDIT_MIN_RETENTION_DAYS = 183


class AuditQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Entries of the user's subtree; the center also reads those without a node (a failed
        login for a name that is no account)."""
        if user is not None and user.is_authenticated and user.is_active and user.is_center and not user.is_superuser:
            return self.filter(Q(node__path__startswith=user.node.path) | Q(node__isnull=True))
        return super().visible_to(user)


class AuditEntry(models.Model):
    """One security-relevant event: who (his name and node as they were), what, on which object,
    with what outcome, from which address, how many rows. Never a personal value itself: no ID
    number, phone, bank account, name of a worker or illness. Written only by network.audit.record;
    the database refuses to change an entry or delete one younger than the retention."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        "User", verbose_name=_("账号"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    user_name = models.CharField(_("姓名"), max_length=50, blank=True)
    node = models.ForeignKey(
        Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    node_name = models.CharField(_("节点名称"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    objects = models.Manager.from_queryset(AuditQuerySet)()
    scope_node = "node"

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="network_audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED)


def job_file_path(instance, filename):
    # never the uploaded name (it may hold a township's or a person's name): a random name
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension[:8]}"


class JobQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """The jobs ``user`` may open: his own, and, for whoever may see others' jobs (the center
        admin of a node), those started within his subtree."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        own = self.filter(owner=user)
        if not user.has_perm("network.view_job"):
            return own
        return own | self.visible_to(user)


class Job(models.Model):
    """Long work done by the background worker (an import's check and write, a big export): who
    started it and where, how far it is, and its outcome. The live progress is in the jobs cache
    (network.jobs); ``done`` and ``total`` here are the last ones written outside the work's own
    transaction."""

    kind = models.CharField(_("类型"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="jobs"
    )
    node = models.ForeignKey(Node, verbose_name=_("所属节点"), on_delete=models.PROTECT, related_name="jobs")
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # what the job works on (an uploaded workbook) and what it gives back (a report), kept through
    # the storage API under random names and served only through the scoped job pages
    source = models.FileField(_("上传文件"), upload_to=job_file_path, blank=True)
    source_name = models.CharField(_("上传文件名"), max_length=200, blank=True)
    result = models.FileField(_("结果文件"), upload_to=job_file_path, blank=True)
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)
    # the job's own settings (an import's mode) and its outcome for the page (counts, masked rows)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    outcome = models.JSONField(_("结果"), default=dict, blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedManager.from_queryset(JobQuerySet)()
    scope_node = "node"

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0), name="network_job_done_within_total"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("network:job_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in FINISHED_STATES
