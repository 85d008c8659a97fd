"""Fills a database with realistic synthetic dossiers for measuring: households over the network
already there (the demo county's, loaded first when there is none) with plausible categories,
causes, sizes, incomes and statuses; members with valid, never repeated ID numbers (GB 11643 check
digit, plausible birth dates, the prefecture's region codes); the workflow steps, annual reviews
and paid aid with its ledger entries.

Written with bulk inserts in batches, not through the dossier services one by one (that is 7 ms a
household: 2 hours for a million). The figures the services derive are derived here by the same
functions (compute_per_capita, propose_category, household_copy_head, the name keys of Member),
and check_ledger holds afterwards. Never for a production database: it refuses when DEBUG is off."""

import datetime
import operator
import random
import time
from contextlib import contextmanager, nullcontext
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from cases.idcard import check_char
from cases.models import (
    AnnualReview,
    Category,
    Cause,
    DibaoStandard,
    DossierSequence,
    Household,
    HukouType,
    Member,
    Move,
    Relation,
    Status,
    StatusChange,
    WorkStatus,
    compute_per_capita,
    propose_category,
)
from cases.names import given_name, name_initials, surname_initials
from cases.services import household_copy_head
from network.models import Node, Role, User
from outreach.models import AidRecord, AidState, EntryKind, Fund, FundSource, LedgerEntry, Program

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢普李杨"
GIVEN = "建华丽萍志强桂兰德明海燕文玉珍春生晓东云飞秀英永平红梅国庆家强小美玲光淑芬天花明军伟芳娜敏静磊洋勇艳杰娟涛超霞刚"
REGIONS = ["532526", "532525", "532524", "532527", "532501", "532502", "532503", "532523"]
# status shares of a lived-in system (on file most, a few in every step, some exited)
STATUSES = ([Status.APPROVED] * 70 + [Status.EXITED] * 14 + [Status.DRAFT] * 6 + [Status.SUBMITTED] * 5
            + [Status.PRELIM_PASSED] * 3 + [Status.CENTER_PASSED] * 2)
CAUSES = list(Cause.values)
WORK = [WorkStatus.LAID_OFF] * 3 + [WorkStatus.UNEMPLOYED] * 3 + [WorkStatus.EMPLOYED] * 2 + [
    WorkStatus.SICK_LEAVE, WorkStatus.MIGRANT, WorkStatus.RETIRED, WorkStatus.INTERNAL_RETIRED]
WRITTEN = (Household, Member, StatusChange, AnnualReview, AidRecord, LedgerEntry)
# from this many households at once the indexes are dropped and built again at the end
REBUILD_FROM = 50_000
SIZES = [1] * 10 + [2] * 25 + [3] * 35 + [4] * 20 + [5] * 8 + [6] * 2


class FastInsert:
    """Writes model instances with their primary keys given (allocated here, the sequences moved
    on at the end): ``executemany`` on SQLite, ``COPY`` on PostgreSQL, each value adapted once by
    its field's type. Django's bulk_create spends most of its time preparing each field of each row
    (60 % of the generator's time at 5,000 households), and Model.__init__ walking every field of
    every instance was a quarter of what remained: ``new`` makes an instance from its defaults."""

    def __init__(self):
        self.next_pk = {}
        self.models = set()
        self.blanks = {}

    def new(self, model, **values):
        """An unsaved instance of ``model`` with ``values`` (attnames: ``node_id``, not ``node``)
        over the fields' defaults, without Model.__init__ (a tenth of its time)."""
        blank = self.blanks.get(model)
        if blank is None:
            blank = self.blanks[model] = {field.attname: field.get_default() for field in model._meta.concrete_fields}
        obj = model.__new__(model)
        obj.__dict__.update(blank)
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj

    def allocate(self, model, objects):
        start = self.next_pk.get(model)
        if start is None:
            start = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        for offset, obj in enumerate(objects):
            obj.pk = start + offset
        self.next_pk[model] = start + len(objects)
        self.models.add(model)

    def _adapter(self, field):
        """How a value of ``field`` goes to the database; None where the driver takes it as it is."""
        ops = connection.ops
        internal = field.get_internal_type()
        if connection.vendor == "postgresql":
            return None  # COPY adapts dates, datetimes, decimals and booleans itself
        if internal == "DateTimeField":
            return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
        if internal == "DecimalField":
            return lambda value: None if value is None else ops.adapt_decimalfield_value(
                value, field.max_digits, field.decimal_places)
        if internal == "DateField":
            return lambda value: None if value is None else value.isoformat()
        if internal == "BooleanField":
            return int
        return None

    def insert(self, model, objects):
        if not objects:
            return
        if objects[0].pk is None:
            self.allocate(model, objects)
        now = timezone.now()
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                for obj in objects:
                    if getattr(obj, field.attname) is None:
                        setattr(obj, field.attname, now)
        fields = list(model._meta.concrete_fields)
        values = operator.attrgetter(*[field.attname for field in fields])
        adapters = [(index, adapt) for index, adapt in enumerate(map(self._adapter, fields)) if adapt]
        rows = [values(obj) for obj in objects]
        if adapters:
            rows = [list(row) for row in rows]
            for row in rows:
                for index, adapt in adapters:
                    row[index] = adapt(row[index])
        table = model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})", rows)

    def move_sequences_on(self):
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.models)):
                cursor.execute(sql)


@contextmanager
def indexes_built_afterwards(models):
    """Drops the secondary indexes of ``models``' tables and builds them again on leaving, inside
    the caller's transaction (both databases' DDL is transactional: a failed run leaves them as they
    were). Building an index once over a million rows is several times faster than keeping it up to
    date row by row (26 on the household table). Indexes that back a constraint (primary keys,
    unique constraints) stay: the load relies on them.

    On PostgreSQL the foreign keys are checked as each COPY ends (Django makes them deferred): an
    index cannot be built over a table with checks still pending, and a million rows' pending
    checks would wait in memory until the commit."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                " WHERE t.relname = ANY(%s) AND NOT x.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [tables])
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                           f" AND tbl_name IN ({marks})", tables)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield len(indexes)
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


class Command(BaseCommand):
    help = "生成用于性能测试的模拟档案数据（仅限开发环境）：manage.py generate_households 100000"

    def add_arguments(self, parser):
        parser.add_argument("households", type=int, help="户数")
        parser.add_argument("--seed", type=int, default=11643)
        parser.add_argument("--batch", type=int, default=5000, help="每批写入的户数")
        parser.add_argument("--aid-share", type=float, default=0.4, help="获得过帮扶的在档户比例")
        parser.add_argument("--indexes", choices=("auto", "keep", "rebuild"), default="auto",
                            help="rebuild：先删除索引、写完后重建（整个生成在一个事务中）；"
                                 f"auto：新增不少于 {REBUILD_FROM:,} 户时 rebuild")

    def handle(self, *args, households, seed, batch, aid_share, indexes, **options):
        if not settings.DEBUG:
            raise CommandError("模拟数据只能在开发环境（DEBUG=1）中生成，不能写入生产系统。")
        if not Node.objects.exists():
            call_command("load_demo", households=0, stdout=self.stdout)
        self.rng = random.Random(seed + Household.objects.count())
        self.today = timezone.localdate()
        self.nodes = list(Node.objects.filter(level__gte=2, is_active=True))
        self.actor = User.objects.filter(role=Role.CENTER_ADMIN, node__level=1).first() or User.objects.first()
        if self.actor is None:
            raise CommandError("没有可作为经办人的账号：请先载入网络和人员（load_demo）。")
        self.standards = self._standards()
        self.entered_by = self._nearest(Role.DATA_ENTRY)
        self.reviewed_by = self._nearest(Role.REVIEWER)
        # (a township without a reviewer of its own: another township's, as the center would ask)
        self.any_reviewer = next(iter(self.reviewed_by.values()), self.actor.pk)
        self.used = self._serials_in_use()  # (region, birth date, male) → serials used
        self.names = {}
        self.moments = {}
        self.serials = dict(DossierSequence.objects.values_list("year", "last_serial"))
        self.fund = self._fund()
        self.balance = 0
        self.writer = FastInsert()
        rebuild = indexes == "rebuild" or (indexes == "auto" and households >= REBUILD_FROM)
        started, done = time.monotonic(), 0
        # rebuilding: one transaction for the whole run, so that the indexes come back whatever happens
        with transaction.atomic() if rebuild else nullcontext():
            with indexes_built_afterwards(WRITTEN) if rebuild else nullcontext() as dropped:
                while done < households:
                    size = min(batch, households - done)
                    with transaction.atomic():
                        self._batch(size, aid_share)
                    done += size
                    rate = done / (time.monotonic() - started)
                    self.stdout.write(f"  {done:,} / {households:,} 户（{rate:,.0f} 户/秒）")
                if rebuild:
                    self.stdout.write(f"  重建 {dropped} 个索引……")
            with transaction.atomic():
                for year, last in self.serials.items():
                    DossierSequence.objects.update_or_create(year=year, defaults={"last_serial": last})
                Fund.objects.filter(pk=self.fund.pk).update(balance_fen=self.balance)
                self.writer.move_sequences_on()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM sets the visibility map too (index-only scans after COPY); inside a
                # transaction (a test's) it cannot run, and statistics are what a plan needs there
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {households:,} 户，用时 {time.monotonic() - started:,.0f} 秒；共 {Household.objects.count():,} 户、"
            f"{Member.objects.count():,} 人。"))

    # --- what the dossier service would derive ----------------------------------------------

    def _standards(self):
        """(node, year) → the 低保 standard (monthly urban, rural), the nearest node above that has one."""
        by_node = {}
        for standard in DibaoStandard.objects.all():
            by_node.setdefault(standard.node_id, {})[standard.year] = standard
        paths = {node.pk: node.path for node in Node.objects.all()}
        found = {}
        for node in self.nodes:
            ids = [int(part) for part in paths[node.pk].strip("/").split("/")]
            for year in range(self.today.year - 12, self.today.year + 1):
                standard = next((by_node[i][year] for i in reversed(ids) if year in by_node.get(i, {})), None)
                found[node.pk, year] = standard
        return found

    def _nearest(self, role):
        """node → the user of ``role`` nearest above it (its own first): the clerks enter the
        dossiers and the townships' reviewers make the 初审, the center's admin reviews and
        approves, so that the separation of duties holds as in a lived-in system."""
        users = {user.node.path: user.pk for user in
                 User.objects.filter(role=role, is_active=True, node__level__gte=2 if role == Role.REVIEWER else 1)
                 .select_related("node").order_by("pk")}
        found = {}
        for node in self.nodes:
            paths = [path for path in users if node.path.startswith(path)]
            if paths:
                found[node.pk] = users[max(paths, key=len)]
        return found

    def _serials_in_use(self):
        """The ID numbers already on file, as the next free serial of each region, day and sex."""
        used = {}
        for number in Member.objects.values_list("id_number", flat=True).iterator(chunk_size=20000):
            serial = int(number[14:17])
            key = (number[:6], datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])), serial % 2 == 1)
            used[key] = max(used.get(key, 0), serial // 2 + 1)
        return used

    def _name(self):
        name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        if name not in self.names:
            self.names[name] = (given_name(name), name_initials(name), surname_initials(name))
        return name

    def _id_number(self, birth, male):
        region = self.rng.choice(REGIONS)
        used = self.used.setdefault((region, birth, male), 0)
        if used >= 499:  # every serial of that day and sex taken there: another day
            return self._id_number(birth + datetime.timedelta(days=1), male)
        self.used[region, birth, male] = used + 1
        serial = used * 2 + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
        return first17 + check_char(first17)

    def _moment(self, day, hour, minute=0):
        """The aware datetime of ``day`` at ``hour``:``minute`` (made once: make_aware is slow)."""
        key = (day, hour, minute)
        moment = self.moments.get(key)
        if moment is None:
            moment = self.moments[key] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return moment

    def _birth(self, earliest, latest):
        return datetime.date(earliest, 1, 1) + datetime.timedelta(days=self.rng.randint(0, (latest - earliest) * 365))

    # --- one batch --------------------------------------------------------------------------

    def _batch(self, size, aid_share):
        rng, today, new = self.rng, self.today, self.writer.new
        rows = []
        for _n in range(size):
            node = rng.choice(self.nodes)
            status = rng.choice(STATUSES)
            filed = today - datetime.timedelta(days=rng.randint(10, 3600))
            household = new(
                Household, node_id=node.pk, status=status, primary_cause=rng.choice(CAUSES),
                secondary_causes=rng.choice(["", "", "", "illness", "schooling", "illness,schooling"]),
                hukou_type=rng.choice([HukouType.URBAN, HukouType.URBAN, HukouType.RURAL]),
                address=f"{node.name}{rng.randint(1, 300)}号", filed_on=filed,
                created_by_id=self.entered_by.get(node.pk, self.actor.pk),
                other_annual_income=Decimal(rng.choice([0, 0, 1200, 3600, 6000])),
                medical_expense=Decimal(rng.choice([0, 0, 2000, 8000, 20000])),
                education_expense=Decimal(rng.choice([0, 0, 3000, 6000])),
                created_at=self._moment(filed, 9, rng.randint(0, 59)),
            )
            members = self._members(rng.choice(SIZES))
            household.household_size = len(members)
            household.annual_income, household.per_capita_monthly_income = compute_per_capita(
                [m.monthly_income for m in members], household.other_annual_income, household.rigid_expense,
                household.household_size)
            standard = self.standards.get((node.pk, filed.year))
            household.dibao_standard_monthly = standard.monthly_for(household.hukou_type) if standard else None
            household.proposed_category = propose_category(household.per_capita_monthly_income,
                                                           household.dibao_standard_monthly) or Category.RELATIVE
            household.category = (Category.ACCIDENT if household.primary_cause in ("accident", "disaster")
                                   and rng.random() < 0.5 else household.proposed_category)
            if household.category == Category.ACCIDENT:
                household.accident_reason = "遭遇意外，家庭收入骤减（模拟数据）"
            household_copy_head(household, members)
            household.derive_filed_year()
            if status in (Status.APPROVED, Status.EXITED):
                approved = min(filed + datetime.timedelta(days=rng.randint(20, 60)), today)
                household.approved_at = self._moment(approved, 15)
                self.serials[approved.year] = self.serials.get(approved.year, 0) + 1
                household.number = settings.DOSSIER_NUMBER_PATTERN.format(
                    county=settings.COUNTY_CODE, year=approved.year, serial=self.serials[approved.year])
                if status == Status.EXITED:
                    household.exit_reason, household.exited_at = "recovered", household.approved_at + datetime.timedelta(
                        days=rng.randint(200, 900))
                    for member in members:
                        member.in_active_dossier = False
            rows.append((household, members))
        households = [household for household, _members in rows]
        self.writer.allocate(Household, households)
        people, steps, reviews, aid = [], [], [], []
        for household, members in rows:
            for member in members:
                member.household_id = household.pk
                people.append(member)
            mine = self._steps(household)
            if mine:
                household.status_changed_at, household.last_move = mine[-1].at, mine[-1].action
            steps.extend(mine)
            if household.status == Status.APPROVED:
                mine = self._reviews(household)
                household.last_reviewed_year = max((review.year for review in mine), default=0)
                reviews.extend(mine)
                if rng.random() < aid_share:
                    aid.append(self._aid(household))
        self.writer.insert(Household, households)
        for model, objects in ((Member, people), (StatusChange, steps), (AnnualReview, reviews)):
            self.writer.insert(model, objects)
        self._pay(aid)

    def _members(self, size):
        rng = self.rng
        head_male = rng.random() < 0.6
        people = [(Relation.HEAD, head_male, self._birth(1962, 1992), rng.choice(WORK),
                   Decimal(rng.choice([0, 0, 600, 900, 1200, 1500, 1800])))]
        if size >= 2:
            people.append((Relation.SPOUSE, not head_male, self._birth(1962, 1994), rng.choice(WORK),
                           Decimal(rng.choice([0, 0, 500, 900, 1300]))))
        while len(people) < size:
            people.append((Relation.CHILD, rng.random() < 0.5, self._birth(1995, 2022), WorkStatus.STUDENT, Decimal(0)))
        members = []
        for relation, male, birth, work, income in people:
            name = self._name()
            given, initials, alternative = self.names[name]
            members.append(self.writer.new(
                Member, relation=relation, name=name, given_name=given, name_initials=initials, name_initials_alt=alternative,
                id_number=self._id_number(birth, male), birth_date=birth, sex="M" if male else "F",
                work_status=work, monthly_income=income,
                phone=f"139{self.rng.randint(10_000_000, 99_999_999)}" if relation == Relation.HEAD else "",
            ))
        return members

    def _steps(self, household):
        at, new = household.created_at, self.writer.new
        if household.status in (Status.APPROVED, Status.EXITED):
            steps = [new(StatusChange, household_id=household.pk, action=Move.APPROVE, from_status=Status.DRAFT,
                         to_status=Status.APPROVED, actor_id=self.actor.pk, at=household.approved_at,
                         opinion="纸质档案导入（模拟数据）")]
            if household.status == Status.EXITED:
                steps.append(new(StatusChange, household_id=household.pk, action=Move.EXIT,
                                 from_status=Status.APPROVED, to_status=Status.EXITED, actor_id=self.actor.pk,
                                 at=household.exited_at))
            return steps
        chain = [Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED, Status.CENTER_PASSED]
        moves = {Status.SUBMITTED: Move.SUBMIT, Status.PRELIM_PASSED: Move.PRELIMINARY,
                 Status.CENTER_PASSED: Move.CENTER_REVIEW}
        actors = {Move.SUBMIT: household.created_by_id,
                  Move.PRELIMINARY: self.reviewed_by.get(household.node_id, self.any_reviewer),
                  Move.CENTER_REVIEW: self.actor.pk}
        reached = chain.index(household.status)
        return [new(StatusChange, household_id=household.pk, action=moves[chain[i]], from_status=chain[i - 1],
                    to_status=chain[i], actor_id=actors[moves[chain[i]]], at=at + datetime.timedelta(days=3 * i))
                for i in range(1, reached + 1)]

    def _reviews(self, household):
        approved_year = timezone.localtime(household.approved_at).year
        years = [year for year in range(approved_year + 1, self.today.year + 1) if self.rng.random() < 0.85]
        return [self.writer.new(AnnualReview, household_id=household.pk, year=year, outcome="confirm",
                                category=household.category, reviewer_id=self.actor.pk,
                                reviewed_at=self._moment(datetime.date(year, 3, 15), 10))
                for year in years]

    def _fund(self):
        source, _created = FundSource.objects.get_or_create(name="中央财政专项")
        fund, _created = Fund.objects.get_or_create(node=Node.objects.get(level=1), name="模拟数据帮扶资金",
                                                    year=self.today.year, defaults={"source": source})
        return fund

    def _aid(self, household):
        rng = self.rng
        given = max(household.approved_at.date(), self.today - datetime.timedelta(days=rng.randint(1, 700)))
        given = min(given, self.today)
        cash = rng.choice([20000, 30000, 50000, 80000, 100000])
        paid_at = self._moment(given, 16)
        household.last_aided_at = paid_at
        return self.writer.new(
            AidRecord, program=rng.choice([Program.HOLIDAY, Program.LIVING, Program.MEDICAL, Program.TUITION]),
            household_id=household.pk, node_id=household.node_id, fund_id=self.fund.pk, cash_fen=cash,
            given_on=given, state=AidState.PAID, signed=True, category_at_payment=household.category,
            per_capita_at_payment=household.per_capita_monthly_income, recorded_by_id=self.actor.pk,
            paid_by_id=self.actor.pk, paid_at=paid_at, recorded_at=paid_at)

    def _pay(self, aid):
        """The batch's aid, paid from the fund: a receipt that covers it, then one entry per payment
        with the running balance, as fund_receive and aid_pay write them."""
        if not aid:
            return
        self.writer.insert(AidRecord, aid)
        total = sum(record.cash_fen for record in aid)
        self.balance += total
        new = self.writer.new
        entries = [new(LedgerEntry, fund_id=self.fund.pk, kind=EntryKind.RECEIPT, amount_fen=total,
                       balance_after_fen=self.balance, document_number="模拟数据", counterparty="财政",
                       recorded_by_id=self.actor.pk)]
        for record in aid:
            self.balance -= record.cash_fen
            entries.append(new(LedgerEntry, fund_id=self.fund.pk, kind=EntryKind.AID, amount_fen=-record.cash_fen,
                               balance_after_fen=self.balance, aid_id=record.pk, occurred_on=record.given_on,
                               recorded_by_id=self.actor.pk))
        self.writer.insert(LedgerEntry, entries)
