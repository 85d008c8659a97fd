"""The 公示 list printed for the notice board: an A4 PDF through the printing grid, over as many
pages as it takes with the header on each, ID numbers always masked, in scope only."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.idcard import mask_id_number
from cases.models import Household, NoticeBatch, NoticeEntry, SensitiveAccess, Status
from network.models import NodeKind

from ..conftest import make_node
from .conftest import copy_head, make_household, make_id_number
from .pdf_reading import page_count, pdf_text, unspaced

HEADER = ("序号", "户主姓名", "身份证号", "建档单位", "困难类别", "家庭人口", "人均月收入（元）")
LONG_UNIT = "弥勒市红河州第二轻工业局下属国营木器加工总厂职工援助工作点"
LONG_NAME = "阿卜杜热依木·买买提艾力·艾合买提江"


_heads = itertools.count()


def _head_id():
    """A valid ID number no other head of this module has (250 men's serials a birth date)."""
    n = next(_heads)
    return make_id_number(datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 250), serial=2 * (n % 250))


def make_notice(center_admin, nodes, count, *, title="2026年第1批困难职工建档公示"):
    """A running notice of ``count`` dossiers spread over ``nodes``: heads 职工0001, 职工0002…"""
    today = timezone.localdate()
    batch = NoticeBatch.objects.create(title=title, node=center_admin.node, starts_on=today,
                                       ends_on=today + datetime.timedelta(days=6), created_by=center_admin)
    households = [
        make_household(nodes[n % len(nodes)], center_admin, head_name=f"职工{n + 1:04d}", head_id=_head_id(),
                       status=Status.IN_NOTICE, per_capita_monthly_income=Decimal("1234.56"))
        for n in range(count)
    ]
    NoticeEntry.objects.bulk_create(NoticeEntry(batch=batch, household=household) for household in households)
    return batch


@pytest.fixture
def big_notice(center_admin, township, community):
    return make_notice(center_admin, [township, community], 120)


def get_pdf(client, user, batch, query=""):
    client.force_login(user)
    return client.get(reverse("cases:notice_pdf", args=[batch.pk]) + query)


def test_a_notice_of_120_dossiers_prints_on_several_a4_pages_with_the_header_on_each(
    client, center_admin, big_notice, tmp_path
):
    response = get_pdf(client, center_admin, big_notice)
    pages = page_count(response.content)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pages >= 3
    for page in range(1, pages + 1):
        text = unspaced(pdf_text(response.content, tmp_path, page=page))
        for title in HEADER:
            assert title in text, f"{title} is not on page {page}"
        assert f"第{page}页共{pages}页" in text
    assert "2026年第1批困难职工建档公示" in pdf_text(response.content, tmp_path, page=pages)


def test_every_dossier_of_a_long_notice_is_printed_once_numbered_in_order(client, center_admin, big_notice, tmp_path):
    text = pdf_text(get_pdf(client, center_admin, big_notice).content, tmp_path)

    names = re.findall(r"职工\d{4}", text)
    assert len(names) == 120
    assert len(set(names)) == 120
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s+职工\d{4}", text, flags=re.MULTILINE)]
    assert numbers == list(range(1, 121))


def test_the_first_page_says_page_1_of_all_and_the_wording_of_the_notice(client, center_admin, center, big_notice,
                                                                        tmp_path):
    content = get_pdf(client, center_admin, big_notice).content
    first = unspaced(pdf_text(content, tmp_path, page=1))
    last = unspaced(pdf_text(content, tmp_path, page=page_count(content)))

    assert f"第1页共{page_count(content)}页" in first
    assert "2026年第1批困难职工建档公示" in first
    assert "以下120户职工家庭符合困难职工建档条件，现予公示。" in first
    # who publishes it and when, under the list's last row
    today = timezone.localdate()
    assert f"{center.name}{today.year}年{today.month}月{today.day}日" in last


def test_the_printed_list_masks_every_id_number_even_for_a_user_who_may_see_them(
    client, center_admin, township, tmp_path
):
    batch = make_notice(center_admin, [township], 3)
    heads = list(Household.objects.all().filter(notice_entries__batch=batch).values_list("head_id_number",
                                                                                             flat=True))
    for query in ("", "?unmask=1"):
        content = get_pdf(client, center_admin, batch, query).content
        text = unspaced(pdf_text(content, tmp_path))
        for head_id in heads:
            assert head_id not in text
            assert mask_id_number(head_id) in text
        assert "13812345678" not in text
    assert not SensitiveAccess.objects.exists()


def test_long_names_and_unit_names_stay_whole_inside_their_columns_and_every_column_is_printed(
    client, center_admin, township, tmp_path
):
    unit = make_node(NodeKind.ENTERPRISE, township, name=LONG_UNIT)
    batch = make_notice(center_admin, [unit, township, unit], 3)
    Household.objects.filter(members__name="职工0001").update(per_capita_monthly_income=Decimal("987.65"))
    Household.objects.filter(members__name="职工0003").update(per_capita_monthly_income=Decimal("4321.09"))
    first = Household.objects.get(members__name="职工0001")
    first.members.update(name=LONG_NAME)
    copy_head(first)

    text = unspaced(pdf_text(get_pdf(client, center_admin, batch).content, tmp_path, raw=True))

    assert LONG_NAME in text
    assert text.count(LONG_UNIT) == 2
    assert len(re.findall(r"532526\*{8}\d{3}[\dX]", text)) == 3
    for value in ("987.65", "1,234.56", "4,321.09"):
        assert value in text


def test_a_dossier_withdrawn_by_an_upheld_objection_is_left_off_the_printed_list(client, center_admin, center,
                                                                                 township, tmp_path):
    batch = make_notice(center_admin, [township], 3)
    entry = batch.entries.get(household__members__name="职工0002")
    objection = services.objection_log(entry=entry, actor=center_admin, content="另有门面出租收入。")
    services.objection_resolve(objection=objection, actor=center_admin, upheld=True, resolution="核实属实。")

    text = pdf_text(get_pdf(client, center_admin, batch).content, tmp_path)

    assert "职工0002" not in text
    assert re.search(r"^\s*1\s+职工0001", text, flags=re.MULTILINE)
    assert re.search(r"^\s*2\s+职工0003", text, flags=re.MULTILINE)
    assert "以下2户职工家庭" in unspaced(text)


def test_markup_in_a_name_is_printed_literally(client, center_admin, township, tmp_path):
    batch = make_notice(center_admin, [township], 1)
    Household.objects.get().members.update(name="<b>李</b>&amp;")
    copy_head(Household.objects.get())

    response = get_pdf(client, center_admin, batch)

    assert response.status_code == 200
    assert "<b>李</b>&amp;" in unspaced(pdf_text(response.content, tmp_path, layout=False))


def test_an_empty_notice_prints_one_page_that_says_so(client, center_admin, tmp_path):
    batch = make_notice(center_admin, [], 0)

    content = get_pdf(client, center_admin, batch).content

    assert page_count(content) == 1
    assert "本批公示没有档案。" in unspaced(pdf_text(content, tmp_path))


def test_the_printed_list_answers_in_the_same_number_of_queries_for_3_or_120_dossiers(
    client, center_admin, township, community, django_assert_max_num_queries
):
    small = make_notice(center_admin, [township], 3, title="小批")
    large = make_notice(center_admin, [township, community], 120, title="大批")
    client.force_login(center_admin)
    # the session, the user and his node; the batch, its entries, their households and objections;
    # the session saved again (a savepoint around it); the print's audit entry
    for batch in (small, large):
        with django_assert_max_num_queries(11):
            assert client.get(reverse("cases:notice_pdf", args=[batch.pk])).status_code == 200


def test_the_printed_list_is_shown_inline_under_a_chinese_file_name_and_not_stored(client, center_admin, township):
    batch = make_notice(center_admin, [township], 1)

    response = get_pdf(client, center_admin, batch)

    assert response["Content-Disposition"].startswith(f'inline; filename="notice-{batch.pk}.pdf"')
    # 公示名单-<pk>.pdf, percent-encoded as RFC 5987 asks
    assert f"filename*=UTF-8''%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95-{batch.pk}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_the_notice_page_prints_through_the_pdf(client, center_admin, township):
    batch = make_notice(center_admin, [township], 1)
    client.force_login(center_admin)

    content = client.get(batch.get_absolute_url()).content.decode()

    assert f'href="{reverse("cases:notice_pdf", args=[batch.pk])}"' in content
    assert "打印公示名单" in content
    assert "window.print()" not in content and "@media print" not in content


def test_a_reader_at_the_center_prints_the_list(client, center_admin, center_leader, township, tmp_path):
    batch = make_notice(center_admin, [township], 2)

    response = get_pdf(client, center_leader, batch)

    assert response.status_code == 200
    assert "职工0002" in pdf_text(response.content, tmp_path)


def test_a_township_user_gets_404_on_the_centers_notice(client, center_admin, township_reviewer, township):
    batch = make_notice(center_admin, [township], 1)

    assert get_pdf(client, township_reviewer, batch).status_code == 404


def test_outsider_at_a_sibling_township_gets_404_on_his_neighbours_notice(client, township_admin, outsider_admin,
                                                                       community):
    batch = make_notice(township_admin, [community], 1, title="弥阳镇公示")

    assert get_pdf(client, township_admin, batch).status_code == 200
    assert get_pdf(client, outsider_admin, batch).status_code == 404


def test_anonymous_visitor_is_redirected_to_login(client, center_admin, township):
    batch = make_notice(center_admin, [township], 1)

    response = client.get(reverse("cases:notice_pdf", args=[batch.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
