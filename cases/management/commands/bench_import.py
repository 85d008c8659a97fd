"""Measures the dossier import on this machine: a sheet of N households with their members (built
here, with valid made-up ID numbers) is checked and written exactly as the preview and write jobs
do, inside one transaction that is rolled back at the end, so the database is left as it was."""

import datetime
import io
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from cases.idcard import check_char
from cases.imports import WRITE_BATCH, Planner
from cases.models import DibaoStandard
from cases.services import SheetDossier, households_import_new
from network.models import Node, NodeKind, Role, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["志强", "秀英", "建华", "桂兰", "海燕", "丽萍", "德明", "文华", "玉兰", "国强", "春梅", "晓东"]


class Rollback(Exception):
    pass


def _ids(count, rng):
    born = datetime.date(1960, 1, 1)
    for n in range(count):
        birth = born + datetime.timedelta(days=n // 900)
        first17 = f"532526{birth:%Y%m%d}{n % 900 + 100:03d}"
        yield first17 + check_char(first17)


def build_sheet(households, rng):
    headers = ["户编号", "姓名", "与户主关系", "身份证号", "月收入（元）", "就业/就学状况", "主要致困原因", "家庭住址",
               "家庭其他年收入（元）", "建档日期"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("困难职工")
    sheet.append(["弥勒县困难职工花名册（基准测试）"])
    sheet.append(headers)
    ids = _ids(households * 4, rng)
    people = 0
    for h in range(households):
        size = rng.choice((1, 2, 3, 3, 4))
        for p in range(size):
            relation = "户主本人" if p == 0 else ("配偶" if p == 1 else "子女")
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            sheet.append([str(h + 1), name, relation, next(ids), "900" if p == 0 else "0",
                          "下岗" if p == 0 else ("失业" if p == 1 else "在校学生"),
                          "下岗失业" if p == 0 else None, "弥勒县弥阳镇髯翁社区" if p == 0 else None,
                          "1,200" if p == 0 else None, "2026.3.1" if p == 0 else None])
            people += 1
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue(), people


class Command(BaseCommand):
    help = "基准测试：检查并写入N户档案（含家庭成员）所需的时间；在一个事务中进行并在结束时回滚。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=10000)

    def handle(self, *args, households, **options):
        rng = random.Random(9)
        started = time.perf_counter()
        data, people = build_sheet(households, rng)
        built = time.perf_counter()
        self.stdout.write(f"sheet: {households} households, {people} people, {len(data) / 1e6:.1f} MB "
                          f"(built in {built - started:.1f} s)")
        figures = {}
        try:
            with transaction.atomic():
                actor = self._actor()
                t0 = time.perf_counter()
                preview = Planner(actor).plan(data)
                t1 = time.perf_counter()
                assert not preview.errors, preview.errors[:3]
                # the confirm: planned again from the file, each dossier checked and written by the service
                plan = Planner(actor, validate=False).plan(data)
                for start in range(0, len(plan.groups), WRITE_BATCH):
                    households_import_new(actor=actor, dossiers=[
                        SheetDossier(g.household, g.members, "基准测试") for g in plan.groups[start:start + WRITE_BATCH]])
                t2 = time.perf_counter()
                figures = {"preview": t1 - t0, "confirm": t2 - t1, "counts": preview.counts()}
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"preview (read, check, match): {figures['preview']:.1f} s; "
                          f"confirm (read, match, check and write): {figures['confirm']:.1f} s; {figures['counts']}")

    def _actor(self):
        center = Node.objects.filter(kind=NodeKind.CENTER).first() or Node.objects.create(
            code="BENCH-CENTER", name="基准测试中心", kind=NodeKind.CENTER)
        township = Node.objects.create(code=f"BENCH{int(time.time())}", name="基准测试镇", kind=NodeKind.TOWNSHIP,
                                       parent=center)
        DibaoStandard.objects.create(node=township, year=timezone.localdate().year, urban_monthly="700",
                                     rural_monthly="560")
        return User.objects.create(username=f"bench{int(time.time())}", node=township, role=Role.CENTER_ADMIN,
                                   is_staff=True)
