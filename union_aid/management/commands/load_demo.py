"""Loads the demo county: its four-level network, its units and staff at every level in every role.

Idempotent: nodes, units and accounts are matched by code, name and username, so running it
again changes nothing. Never for production data.
"""

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.idcard import check_char
from cases.models import (
    Category,
    Cause,
    DibaoStandard,
    DossierSequence,
    Household,
    HukouType,
    Member,
    Move,
    NoticeBatch,
    Relation,
    Status,
    StatusChange,
    WorkStatus,
)
from cases.services import (
    household_center_pass,
    household_exit,
    household_import_on_file,
    household_preliminary_pass,
    household_recompute,
    household_save,
    household_submit,
    notice_publish,
)
from network.models import Enterprise, Node, NodeKind, Role, User

DEMO_PASSWORD = "Union-Aid-Demo-2026"

# (username prefix, node code, who): one demo account per role at each of the four levels,
# plus a sibling township to show that jurisdictions do not overlap.
DEMO_POSTS = [
    ("center", "532526000", "县援助分中心"),
    ("miyang", "532526010", "弥阳镇工会联合会"),
    ("ranweng", "53252601001", "弥阳镇髯翁社区援助分站"),
    ("muqichang", "5325260100101", "弥勒市木器厂援助工作点"),
    ("xinshao", "532526020", "新哨镇工会联合会"),
]
ROLE_SUFFIX = {
    Role.CENTER_ADMIN: "admin",
    Role.REVIEWER: "reviewer",
    Role.DATA_ENTRY: "clerk",
    Role.FINANCE: "finance",
    Role.LEADER: "leader",
}
# the accounts to try first, and what to try with each (the README has the same table)
TRY_FIRST = [
    ("ranweng_clerk", "在社区建档：新建档案、填写家庭成员、提交初审"),
    ("miyang_reviewer", "弥阳镇的初审：入户调查后初审通过或退回；在档家庭的年度复核"),
    ("center_admin", "中心审核、发布公示、公示期满审批编号、设置低保标准、管理网络和人员"),
    ("center_reviewer", "县级复核与退出（不能做乡镇的初审）"),
    ("xinshao_admin", "另一个乡镇：看不到弥阳镇的任何档案"),
    ("center_leader", "只读：查看档案、待办和统计"),
]
DEMO_NAMES = ["李建华", "王丽萍", "张志强", "赵桂兰", "刘德明", "陈海燕", "杨文华", "黄玉珍", "周春生", "吴晓东",
              "徐云飞", "孙丽华", "马永平", "朱红梅", "胡国庆", "郭秀英", "何建国", "高志明", "林美玲", "罗家强",
              "梁小红", "宋光明", "郑淑芬", "谢天明", "韩春花"]


class Command(BaseCommand):
    help = "载入演示数据：弥勒县四级网络、单位和各级各角色的演示账号（可重复运行）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("演示数据的密码是公开的，只能在开发环境（DEBUG=1）中载入，不能载入生产系统。")
        data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_network.json").read_text("utf-8"))
        with transaction.atomic():
            center = self._node({**data["center"], "kind": NodeKind.CENTER}, parent=None)
            for child in data["children"]:
                self._tree(child, center)
            accounts = self._staff()
            self._standards(center)
            households = self._households(options["households"])
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{Node.objects.count()} 个网络节点，"
                                             f"{Enterprise.objects.count()} 个单位，"
                                             f"{Household.objects.count()} 户困难职工档案"
                                             f"（本次新建 {households} 户）。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}），先试这几个：")
        for username, what in TRY_FIRST:
            user = User.objects.select_related("node").get(username=username)
            self.stdout.write(f"  {username:<18} {user.get_role_display():<6} {user.node.name:<16} {what}")
        others = [username for username, _node, _role in accounts if username not in dict(TRY_FIRST)]
        self.stdout.write(f"其余账号（每级每个角色一个，同上密码）：{'、'.join(others)}")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=240, help="演示档案户数（首次载入时）")

    def _standards(self, center):
        this_year = timezone.localdate().year
        for years_back in range(6):
            year = this_year - years_back
            urban, rural = Decimal(720 - 30 * years_back), Decimal(545 - 25 * years_back)
            DibaoStandard.objects.get_or_create(
                node=center, year=year,
                defaults={"urban_monthly": Decimal(urban), "rural_monthly": Decimal(rural),
                          "note": f"弥勒县{year}年城乡低保标准（演示）"},
            )

    def _households(self, count):
        """Demo dossiers in every status, each made through the services as staff would make it
        (filed by a clerk, 初审 by the township's reviewer, reviewed by the center; on-file ones
        imported from paper), with valid made-up ID numbers, then dated back over the past years so
        that lists, the worklist and the history look lived in. Only on the first load."""
        if Household.objects.exists():
            return 0
        rng = random.Random(2026)
        staff = {(u.node_id, u.role): u for u in User.objects.filter(username__in=self._demo_usernames())}
        center = Node.objects.get(level=1)
        admin = staff[(center.pk, Role.CENTER_ADMIN)]
        # the townships with a demo reviewer: dossiers that go through 初审 are filed under them
        reviewed = [u.node for u in staff.values() if u.role == Role.REVIEWER and u.node.level == 2]
        nodes = list(Node.objects.filter(level__gte=2).select_related("parent"))
        enterprises = {e.node_id: e for e in Enterprise.objects.all()}
        statuses = [Status.APPROVED] * 14 + [Status.DRAFT, Status.SUBMITTED, Status.PRELIM_PASSED,
                                                Status.CENTER_PASSED, Status.EXITED]
        today = timezone.localdate()
        used_ids = set()
        serial = {}
        for _i in range(count):
            status = rng.choice(statuses)
            walked = status in (Status.PRELIM_PASSED, Status.CENTER_PASSED)
            node = rng.choice([n for n in nodes if not walked or any(n.is_within(t) for t in reviewed)])
            filed = today - datetime.timedelta(days=rng.randint(30, 1500))
            household, members = self._household(rng, node, enterprises.get(node.pk), filed, used_ids, today)
            if status in (Status.APPROVED, Status.EXITED):
                approved_on = min(filed + datetime.timedelta(days=rng.randint(20, 60)), today)
                serial[approved_on.year] = serial.get(approved_on.year, 0) + 1
                number = settings.DOSSIER_NUMBER_PATTERN.format(
                    county=settings.COUNTY_CODE, year=approved_on.year, serial=serial[approved_on.year])
                household_import_on_file(household=household, members=members, actor=admin, number=number,
                                         approved_on=approved_on, category=household.category,
                                         opinion="纸质档案录入系统（演示数据）")
                if status == Status.EXITED:
                    household_exit(household=household, actor=staff[(center.pk, Role.REVIEWER)],
                                   reason="recovered", opinion="户主再就业，家庭收入超过标准（演示）")
            else:
                clerk = self._nearest(staff, node, Role.DATA_ENTRY)
                household_save(household=household, members=members, actor=clerk)
                if status != Status.DRAFT:
                    household_submit(household=household, actor=clerk, opinion="材料齐全（演示）")
                if walked:
                    household_preliminary_pass(
                        household=household, actor=staff[(node.ancestor_ids[1], Role.REVIEWER)],
                        visited_on=today, visitors="乡镇工会干部、社区主任",
                        findings="入户查看住房和收入证明，情况与申报一致（演示）。", opinion="同意上报",
                    )
                if status == Status.CENTER_PASSED:
                    household.refresh_from_db()
                    household_center_pass(household=household, actor=admin, category=household.category,
                                          opinion="同意列入公示（演示）")
            self._date_back(household, filed)
        for year, last in serial.items():
            DossierSequence.objects.update_or_create(year=year, defaults={"last_serial": last})
        self._notice(today)
        self._funds_and_pairings(today)
        return count

    def _funds_and_pairings(self, today):
        """The money side of the demo, through outreach.services as staff would do it: the
        center's funds with their receipts, two townships' 送温暖基金 with an allocation from the
        center, and cadres paired with on-file households, with visits (a county cadre's last
        visit four months ago, so the overdue list has work; a township cadre's cash given at a
        visit, one paid by the fund keeper, one still planned for the shortage view)."""
        from outreach import services
        from outreach.models import Cadre, CadreRank, EntryKind, Fund, FundSource

        if Fund.objects.exists() or Cadre.objects.exists():
            return
        users = {u.username: u for u in User.objects.filter(username__in=self._demo_usernames())}
        keeper, year = users["center_finance"], today.year

        def day(days_ago):
            # a date of this year, never in the future, so that the funds' figures are this year's
            return max(ago(days_ago), datetime.date(year, 1, 1))

        def ago(days):
            return today - datetime.timedelta(days=days)

        def fund(code, name, source):
            return Fund.objects.create(node=Node.objects.get(code=code), name=name, year=year,
                                       source=FundSource.objects.get_or_create(name=source)[0],
                                       note="演示数据")

        special = fund("532526000", "县困难职工帮扶专项资金", "中央财政专项")
        warmth = fund("532526000", "县总工会送温暖资金", "工会经费")
        miyang = fund("532526010", "弥阳镇送温暖基金", "送温暖基金")
        xinshao = fund("532526020", "新哨镇送温暖基金", "送温暖基金")
        services.fund_receive(fund=special, actor=keeper, amount="300000", document_number=f"云财社〔{year}〕12号",
                              counterparty="州财政局", occurred_on=day(300))
        services.fund_receive(fund=warmth, actor=keeper, amount="150000", document_number=f"弥工发〔{year}〕3号",
                              counterparty="县总工会", occurred_on=day(280))
        services.fund_receive(fund=warmth, actor=keeper, amount="20000", kind=EntryKind.DONATION,
                              counterparty="弥勒市某建材有限公司", note="春节慰问捐赠", occurred_on=day(270))
        services.fund_allocate(source=warmth, target=miyang, actor=keeper, amount="40000",
                               document_number=f"弥工发〔{year}〕9号", occurred_on=day(260))
        services.fund_allocate(source=warmth, target=xinshao, actor=keeper, amount="30000",
                               document_number=f"弥工发〔{year}〕9号", occurred_on=day(260))
        services.fund_receive(fund=xinshao, actor=users["xinshao_finance"], amount="5000", document_number=f"新财〔{year}〕2号", counterparty="新哨镇人民政府",
                              occurred_on=day(250))
        self._campaigns(users, warmth, miyang, ago)

        cadres = [
            ("532526000", "center_admin", "center_clerk", "杨国华", "县总工会副主席", CadreRank.DIVISION, "弥勒县总工会",
             "13987301001"),
            ("532526010", "miyang_admin", "miyang_clerk", "李春明", "弥阳镇党委副书记", CadreRank.SECTION, "弥阳镇人民政府",
             "13987301002"),
            ("532526020", "xinshao_admin", "xinshao_clerk", "王建平", "新哨镇工会主席", CadreRank.SECTION, "新哨镇总工会",
             "13987301003"),
        ]
        on_file = Household.objects.filter(status=Status.APPROVED).order_by("pk")
        for code, admin, clerk, name, post, rank, unit, phone in cadres:
            node = Node.objects.get(code=code)
            cadre = services.cadre_save(cadre=Cadre(node=node, name=name, post=post, rank=rank, unit=unit, phone=phone),
                                        actor=users[admin])
            households = list(on_file.filter(node__path__startswith=node.path).exclude(pairings__isnull=False)[:2])
            for n, household in enumerate(households):
                pairing = services.pairing_start(cadre=cadre, household=household, actor=users[admin],
                                                 starts_on=ago(330))
                if node.level == 1:
                    # the county cadre has not been back for four months: the overdue list shows him
                    for days_ago in (250, 125):
                        services.pairing_visit_log(pairing=pairing, actor=users[clerk], visited_on=ago(days_ago),
                                                   activity="入户了解家庭生活和就业情况，宣传帮扶政策（演示）")
                    continue
                services.pairing_visit_log(pairing=pairing, actor=users[clerk], visited_on=ago(200),
                                           activity="入户走访，了解子女就学情况（演示）")
                fund_here = miyang if node == miyang.node else xinshao
                visit = services.pairing_visit_log(
                    pairing=pairing, actor=users[clerk], visited_on=ago(20), activity="走访慰问，送去慰问金和米油（演示）",
                    cash="500", fund=fund_here, goods="大米、食用油", goods_quantity=2, goods_value="150")
                if n == 0:
                    services.aid_pay(aid=visit.aid, actor=keeper)

    def _campaigns(self, users, warmth, miyang, ago):
        """Two holiday campaigns (送温暖), through outreach.services: the county's 中秋 visit of its
        deeply poor households, delivered sheet by sheet, paid, return-visited and closed; and
        弥阳镇's 元旦·春节 visit now under way (list confirmed, some deliveries paid, two waiting for
        the fund keeper, one not yet signed for)."""
        from outreach import services
        from outreach.models import Occasion

        center, today = Node.objects.get(code="532526000"), ago(0)
        autumn = services.campaign_create(
            actor=users["center_admin"], node=center, year=ago(80).year, occasion=Occasion.MID_AUTUMN,
            name=f"{ago(80).year}年中秋送温暖", fund=warmth, budget="60000", starts_on=ago(80), ends_on=ago(60),
            standards={Category.DEEP: ("300", "月饼一盒", "50")},
        )
        if not services.campaign_draw(campaign=autumn, actor=users["center_admin"]):
            return  # a demo of a handful of households (the tests') may have none to visit
        services.campaign_confirm(campaign=autumn, actor=users["center_admin"])
        for township in Node.objects.filter(level=2, path__startswith=center.path).order_by("path"):
            services.sheet_deliver(campaign=autumn, node=township, actor=users["center_clerk"], given_on=ago(75),
                                   given_by="县总工会慰问组")
        for aid in autumn.aid_records.filter(state="planned").order_by("pk"):
            services.aid_pay(aid=aid, actor=users["center_finance"])
        for n, entry in enumerate(autumn.recipients.order_by("pk")[:3]):
            services.return_visit_log(household=entry.household, actor=users["center_clerk"], campaign=autumn,
                                      visited_on=ago(70 - n), visitor="县援助中心 李晓燕", method="phone",
                                      findings="慰问金和月饼已收到，家中老人身体尚可（演示）。")
        services.campaign_close(campaign=autumn, actor=users["center_admin"])

        spring = services.campaign_create(
            actor=users["miyang_admin"], node=miyang.node, year=ago(-31).year, occasion=Occasion.SPRING,
            name=f"{ago(-31).year}年元旦春节送温暖（弥阳镇）", fund=miyang, budget="30000", starts_on=ago(3),
            ends_on=ago(-70),
            standards={Category.DEEP: ("500", "大米一袋、食用油一桶", "120"), Category.RELATIVE: ("300", "大米一袋", "60"),
                       Category.ACCIDENT: ("400", "", "0")},
        )
        if not services.campaign_draw(campaign=spring, actor=users["miyang_admin"]):
            return
        services.campaign_confirm(campaign=spring, actor=users["miyang_admin"])
        for n, entry in enumerate(spring.recipients.select_related("household").order_by("pk")[:5]):
            aid = services.delivery_record(recipient=entry, actor=users["miyang_clerk"], given_on=today,
                                           cash=str(entry.cash_fen // 100), goods=entry.goods,
                                           goods_value=str(entry.goods_value_fen // 100), given_by="弥阳镇工会 张丽",
                                           signed=n != 4, note="" if n != 4 else "户主外出，签收表待补签")
            if n < 3:
                services.aid_pay(aid=aid, actor=users["miyang_finance"])

    def _household(self, rng, node, enterprise, filed, used_ids, today):
        causes = list(Cause.values)
        size = rng.choice([1, 2, 3, 3, 4, 4, 5])
        primary = rng.choice(causes)
        household = Household(
            node=node, enterprise=enterprise, filed_on=filed,
            hukou_type=rng.choice([HukouType.URBAN] * 3 + [HukouType.RURAL]),
            address=f"弥勒县{node.name[:3]}{rng.randint(1, 99)}号", primary_cause=primary,
            secondary_causes=",".join(rng.sample([c for c in causes if c != primary], rng.randint(0, 2))),
            other_annual_income=Decimal(rng.randint(0, 60) * 100),
            medical_expense=Decimal(rng.randint(0, 15) * 200),
            education_expense=Decimal(rng.choice([0, 0, 3000, 5000])),
            bank_name="弥勒农村商业银行", bank_account=f"6228{rng.randint(10**11, 10**12 - 1)}",
        )
        head_birth = datetime.date(rng.randint(1962, 1992), rng.randint(1, 12), rng.randint(1, 28))
        people = [(self._name(rng), Relation.HEAD, head_birth, Decimal(rng.randint(0, 16) * 100))]
        if size >= 2:
            people.append((self._name(rng), Relation.SPOUSE, head_birth + datetime.timedelta(days=rng.randint(-900, 900)),
                           Decimal(rng.randint(0, 10) * 100)))
        for _n in range(size - len(people)):
            people.append((self._name(rng, surname=people[0][0][0]), Relation.CHILD,
                           head_birth + datetime.timedelta(days=rng.randint(7000, 11000)), Decimal("0")))
        members = [
            Member(relation=relation, name=name, id_number=self._id_number(rng, birth, used_ids), monthly_income=income,
                   work_status=self._work_status(rng, relation, birth, today),
                   phone=f"13{rng.randint(100000000, 999999999)}" if relation == Relation.HEAD else "")
            for name, relation, birth, income in people
        ]
        household_recompute(household, members)
        if not household.category or rng.random() < 0.08:
            household.category = Category.ACCIDENT
            household.accident_reason = "家庭主要劳动力突发重病住院，当年医疗支出超过家庭年收入八成。"
        return household, members

    @staticmethod
    def _nearest(staff, node, role):
        """The demo account of ``role`` at the deepest of the node and its ancestors."""
        for node_id in reversed(node.ancestor_ids):
            if (node_id, role) in staff:
                return staff[(node_id, role)]
        raise LookupError(role)

    @staticmethod
    def _date_back(household, filed):
        """Moves what the services stamped "now" back to the filing date and the days after it."""
        entered = timezone.make_aware(datetime.datetime.combine(filed, datetime.time(9, 30)))
        Household.objects.filter(pk=household.pk).update(created_at=entered)
        Household.history.filter(id=household.pk, history_change_reason="create").update(history_date=entered)
        Member.history.filter(household_id=household.pk, history_type="+").update(history_date=entered)
        household.refresh_from_db(fields=["approved_at"])
        start = household.approved_at or entered
        steps = list(household.status_changes.exclude(action=Move.IMPORT).order_by("at", "pk"))
        for days, step in enumerate(steps, start=1):
            StatusChange.objects.filter(pk=step.pk).update(at=min(start + datetime.timedelta(days=3 * days),
                                                                   timezone.now()))
        latest = household.status_changes.order_by("-at", "-pk").first()
        if latest is not None:  # the household's copy of its latest step, as the service keeps it
            Household.objects.filter(pk=household.pk).update(status_changed_at=latest.at, last_move=latest.action)

    @staticmethod
    def _demo_usernames():
        return [f"{prefix}_{suffix}" for prefix, _code, _label in DEMO_POSTS for suffix in ROLE_SUFFIX.values()]

    def _notice(self, today):
        """A finished 公示 of a few center-passed dossiers, so that approval has work waiting: it is
        published as the service allows (from today, seven days) and then moved nine days back, as
        if it had been posted then."""
        waiting = list(Household.objects.filter(status=Status.CENTER_PASSED).order_by("pk")[:4])
        if not waiting:
            return
        batch = notice_publish(
            actor=User.objects.get(username="center_admin"), households=waiting,
            title=f"{today.year}年第1批困难职工建档公示（演示）", place="县总工会公示栏",
            starts_on=today, ends_on=today + datetime.timedelta(days=settings.NOTICE_DAYS - 1),
        )
        published = timezone.now() - datetime.timedelta(days=9)
        NoticeBatch.objects.filter(pk=batch.pk).update(
            starts_on=today - datetime.timedelta(days=9),
            ends_on=today - datetime.timedelta(days=10 - settings.NOTICE_DAYS), created_at=published,
        )
        StatusChange.objects.filter(household__in=waiting, to_status=Status.IN_NOTICE).update(at=published)

    SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董普李杨"
    GIVEN = "建国秀英志强丽萍永平桂兰红梅德明海燕文华国庆玉珍春生晓东云飞丽华光明淑芬天明春花小红家强美玲学文金凤"

    def _name(self, rng, surname=None):
        surname = surname or rng.choice(self.SURNAMES)
        return surname + "".join(rng.choice(self.GIVEN) for _ in range(rng.choice([1, 2])))

    def _work_status(self, rng, relation, birth, today):
        age = (today - birth).days // 365
        if relation == Relation.CHILD and age < 7:
            return WorkStatus.PRESCHOOL
        if relation == Relation.CHILD and age < 23:
            return WorkStatus.STUDENT
        return rng.choice([WorkStatus.LAID_OFF, WorkStatus.UNEMPLOYED, WorkStatus.EMPLOYED, WorkStatus.SICK_LEAVE,
                           WorkStatus.MIGRANT])

    def _id_number(self, rng, birth, used):
        while True:
            first17 = f"532526{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            number = first17 + check_char(first17)
            if number not in used:
                used.add(number)
                return number

    def _node(self, spec, parent):
        node = Node.objects.filter(code=spec["code"]).first() or Node(code=spec["code"])
        for field in ("name", "kind", "contact_person", "phone", "address"):
            setattr(node, field, spec.get(field, ""))
        node.parent = parent
        node.save()
        return node

    def _tree(self, spec, parent):
        node = self._node(spec, parent)
        if "enterprise" in spec:
            e = spec["enterprise"]
            Enterprise.objects.update_or_create(
                node=node,
                name=e["name"],
                defaults={k: e[k] for k in ("nature", "condition", "industry", "employee_count")},
            )
        for child in spec.get("children", []):
            self._tree(child, node)

    def _staff(self):
        accounts = []
        names = iter(DEMO_NAMES * 2)
        # one password for every demo account: hashed once (a hash costs most of a second)
        password = make_password(DEMO_PASSWORD)
        for prefix, code, _label in DEMO_POSTS:
            node = Node.objects.get(code=code)
            for role, suffix in ROLE_SUFFIX.items():
                username = f"{prefix}_{suffix}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, name=next(names), is_staff=True, password=password)
                user.node, user.role, user.is_active = node, role, True
                # the demo's accounts keep the published password: each run renews it, so that the
                # expiry (PASSWORD_EXPIRY_DAYS) never locks a developer's demo behind a forced change
                user.must_change_password, user.password_changed_at = False, timezone.now()
                user.save()
                accounts.append((username, node.name, role.label))
        return accounts
