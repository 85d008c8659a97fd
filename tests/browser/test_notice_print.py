"""In a real browser: the 公示 list printed on A4 (the page's 打印公示名单 prints it through the
browser) keeps every column on the paper, long names and unit names wrapping inside theirs."""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import NoticeBatch, NoticeEntry, Status
from network.models import NodeKind, Role

from ..cases.conftest import make_household, make_id_number
from ..conftest import PASSWORD, make_node, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser

LONG_UNIT = "弥勒市红河州第二轻工业局下属国营木器加工总厂职工援助工作点"
LONG_NAME = "阿卜杜热依木·买买提艾力·艾合买提江"
PER_CAPITA = ("1234.56", "987.65", "4321.09")


@pytest.fixture
def notice(transactional_db, live_server):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    township = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    unit = make_node(NodeKind.ENTERPRISE, township, name=LONG_UNIT)
    clerk = make_user("unit_clerk", unit, Role.DATA_ENTRY)
    admin = make_user("center_admin", center, Role.CENTER_ADMIN, name="李建华")
    today = timezone.localdate()
    batch = NoticeBatch.objects.create(
        title="2026年第1批困难职工建档公示", node=center, starts_on=today, ends_on=today + datetime.timedelta(days=6),
        created_by=admin,
    )
    people = zip([LONG_NAME, "张志强", "李桂芬"], [unit, township, unit], PER_CAPITA)
    for serial, (name, node, per_capita) in enumerate(people, start=31):
        household = make_household(
            node, clerk, head_name=name, head_id=make_id_number(datetime.date(1970, 5, serial - 20), serial=serial * 2),
            status=Status.IN_NOTICE, per_capita_monthly_income=Decimal(per_capita),
        )
        NoticeEntry.objects.create(batch=batch, household=household)
    return batch


@pytest.fixture
def printed(page, notice, tmp_path):
    """The notice page printed to an A4 PDF by Chromium, as pdftotext reads it: the text in the
    order it was drawn (a cell's wrapped lines together), all whitespace taken out."""
    log_in(page, "center_admin", PASSWORD)
    page.goto(notice.get_absolute_url())
    pdf = tmp_path / "notice.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def test_the_printed_notice_shows_the_last_column_with_its_header_and_every_value(printed):
    assert "人均月收入（元）" in printed
    for value in PER_CAPITA:
        assert value in printed, f"{value} is not on the printed page"


def test_the_printed_notice_keeps_long_names_and_units_whole_inside_their_columns(printed):
    assert LONG_NAME in printed
    assert printed.count(LONG_UNIT) == 2
    assert len(re.findall(r"532526\*{8}\d{3}[\dX]", printed)) == 3
