"""Measures the dossier pages on whatever database the settings point at: every list variant
(each filter, each sort, the last page, each kind of search), the dossier page and its PDF, the
worklist, the home page and the admin changelist with and without a search; as a table of median,
p95 and queries per page. Then the Excel export of every dossier against a bare openpyxl
write-only pass over the same rows (time ratio and peak Python memory), and the database's size.

Through Django's test client with DEBUG off, as the center's admin (and a township reviewer for
the searches a township makes). Speed is shown by this command, never by a timed test."""

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from openpyxl import Workbook

from cases.exports import COLUMNS
from cases.models import Household, Member, Status
from network.models import Role, User


class Command(BaseCommand):
    help = "页面性能基准：manage.py benchmark_pages [--runs 30]（在当前数据库上测量）"

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="每个页面请求次数（取中位数和 p95）")
        parser.add_argument("--skip-export", action="store_true", help="不测 Excel 导出")
        parser.add_argument("--only", default="", help="只测名称含此文字的页面（如 筛选）")

    def handle(self, *args, runs, skip_export, only, **options):
        center = User.objects.filter(role=Role.CENTER_ADMIN, node__level=1, is_active=True).first()
        township = User.objects.filter(node__level=2, is_active=True, role=Role.REVIEWER).first()
        if center is None or not Household.objects.exists():
            raise CommandError("没有数据：先运行 generate_households（或 load_demo）。")
        households = Household.objects.count()
        self.stdout.write(f"数据库：{connection.vendor}，{households:,} 户，{Member.objects.count():,} 人；"
                          f"每页 {runs} 次，{time.strftime('%Y-%m-%d %H:%M')}")
        sample = Household.objects.filter(status=Status.APPROVED).order_by("pk")[households // 2 // 1:][:1].get()
        head = sample.members.get(relation="head")
        township_sample = (Household.objects.filter(node__path__startswith=township.node.path).order_by("pk")
                           .values_list("head_id_number", flat=True).first() if township else None)
        last_page = 200
        pages = [
            ("列表（中心）", "/cases/", {}),
            ("筛选：户主就业状况", "/cases/", {"work_status": "unemployed"}),
            ("筛选：困难类别", "/cases/", {"category": "deep"}),
            ("筛选：状态", "/cases/", {"status": "submitted"}),
            ("筛选：致困原因", "/cases/", {"cause": "schooling"}),
            ("筛选：辖区节点", "/cases/", {"node": township.node_id if township else ""}),
            ("筛选：建档年度", "/cases/", {"year": sample.filed_on.year}),
            ("筛选：本年度未复核", "/cases/", {"not_reviewed": "true"}),
            ("筛选：从未帮扶过", "/cases/", {"never_aided": "true"}),
            ("排序：户主姓名", "/cases/", {"ordering": "head_name"}),
            ("排序：档案编号", "/cases/", {"ordering": "-number"}),
            ("排序：人均月收入", "/cases/", {"ordering": "per_capita_monthly_income"}),
            ("排序：家庭人口", "/cases/", {"ordering": "-household_size"}),
            ("排序：建档日期", "/cases/", {"ordering": "filed_on"}),
            (f"最后一页（第{last_page}页）", "/cases/", {"page": last_page}),
            ("搜索：姓名", "/cases/", {"q": head.name[:2]}),
            ("搜索：名", "/cases/", {"q": head.given_name[:1] or head.name[:1]}),
            ("搜索：拼音首字母", "/cases/", {"q": head.name_initials[:2]}),
            ("搜索：完整身份证号", "/cases/", {"q": head.id_number}),
            ("搜索：档案编号前缀", "/cases/", {"q": (sample.number or "")[:10]}),
            ("待办（中心）", reverse("cases:worklist"), {}),
            ("首页", reverse("home"), {}),
            ("档案页", sample.get_absolute_url(), {}),
            ("档案表 PDF", reverse("cases:household_pdf", args=[sample.pk]), {}),
            ("后台列表", "/admin/cases/household/", {}),
            ("后台搜索：姓名", "/admin/cases/household/", {"q": head.name[:2]}),
        ]
        rows = [self._measure(center, title, url, query, runs) for title, url, query in pages if only in title]
        if township and township_sample and not only:
            rows.append(self._measure(township, "搜索：完整身份证号（乡镇）", "/cases/", {"q": township_sample}, runs))
            rows.append(self._measure(township, "列表（乡镇）", "/cases/", {}, runs))
        width = max(len(title) for title, *_rest in rows) + 2
        self.stdout.write("\n| 页面 | 中位数 ms | p95 ms | 查询数 |\n|---|---:|---:|---:|")
        for title, median, p95, queries in rows:
            self.stdout.write(f"| {title:<{width}} | {median:,.0f} | {p95:,.0f} | {queries} |")
        if not skip_export:
            self._export(center)
        self.stdout.write(f"\n数据库大小：{self._size() / 1024 / 1024:,.0f} MB")

    def _client(self, user):
        client = Client()
        client.force_login(user)
        return client

    def _measure(self, user, title, url, query, runs):
        client = self._client(user)
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
            response = client.get(url, query)
            if response.status_code != 200:
                raise CommandError(f"{title}：{url} {query} 返回 {response.status_code}")
            reset_queries()  # each request starts a new log (request_started): count from its start
            with CaptureQueriesContext(connection) as captured:
                client.get(url, query)
            queries = len(captured)  # now: the next request empties the log this reads from
            times = []
            for _run in range(runs):
                started = time.perf_counter()
                client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        self.stdout.write(f"  {title}: {statistics.median(times):,.0f} ms")
        return title, statistics.median(times), p95, queries

    def _export(self, user):
        """The roster of every dossier (cases.exports.roster_workbook, which the page and the
        background job for a big list both call) through the page, against openpyxl alone writing the same
        cells (write-only, the rows read as plain tuples): the time of each without tracing, then
        the peak Python memory of each in a second, traced run (tracing slows Python several times)."""
        client = self._client(user)

        def page():
            # the export written in the request, as the background job writes it (the same function)
            with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"], EXPORT_INLINE_MAX=10**9):
                response = client.get(reverse("cases:household_export"))
                return sum(len(chunk) for chunk in response.streaming_content)

        fields = ["number", "head_name", "head_id_number", "head_sex", "node__name", "employer_name", "category",
                  "primary_cause", "secondary_causes", "status", "hukou_type", "household_size", "annual_income",
                  "per_capita_monthly_income", "dibao_standard_monthly", "phone", "address", "filed_on",
                  "approved_at"][:len(COLUMNS)]

        def bare():
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet()
            sheet.append([name for name, _width in COLUMNS])
            rows = Household.objects.order_by("node__path", "number", "pk").values_list(*fields)
            for row in rows.iterator(chunk_size=2000):
                sheet.append([value.replace(tzinfo=None) if getattr(value, "tzinfo", None) else value
                              for value in row])
            with tempfile.TemporaryFile() as target:
                workbook.save(target)

        timed = {}
        for name, work in (("page", page), ("bare", bare)):
            started = time.perf_counter()
            result = work()
            timed[name] = time.perf_counter() - started
            if name == "page":
                size = result
        peaks = {}
        for name, work in (("page", page), ("bare", bare)):
            tracemalloc.start()
            work()
            peaks[name] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        self.stdout.write(
            f"\nExcel 导出（{Household.objects.count():,} 行，{size / 1024 / 1024:,.1f} MB）："
            f"页面 {timed['page']:,.1f} 秒、峰值 {peaks['page']:,.0f} MB；"
            f"openpyxl 直写 {timed['bare']:,.1f} 秒、峰值 {peaks['bare']:,.0f} MB；"
            f"时间比 {timed['page'] / timed['bare']:.2f}×")

    def _size(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                return cursor.fetchone()[0]
        name = settings.DATABASES["default"]["NAME"]
        return Path(name).stat().st_size if Path(str(name)).exists() else 0
