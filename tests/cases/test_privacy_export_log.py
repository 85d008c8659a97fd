"""An unmasked export is a list of full numbers leaving the system: its log row names who took
it, his node, the filter he used and how many rows, and the center above him reads it."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Category, SensitiveAccess

from .conftest import make_household, make_id_number

EXPORT = reverse("cases:household_export")
ACCESSES = reverse("admin:cases_sensitiveaccess_changelist")
FILTER = "辖区节点=弥阳镇工会联合会；困难类别=深度困难"


def export(client, user, query):
    client.force_login(user)
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(min_row=3, values_only=True))


def township_dossiers(community, community_clerk):
    make_household(community, community_clerk, head_name="深度甲", category=Category.DEEP, head_id=make_id_number(serial=381))
    make_household(community, community_clerk, head_name="深度乙", category=Category.DEEP, head_id=make_id_number(serial=382))
    make_household(community, community_clerk, head_name="相对丙", category=Category.RELATIVE, head_id=make_id_number(serial=383))


def test_an_unmasked_export_logs_the_exporters_node_the_filter_and_the_row_count(client, township_reviewer, township, community, community_clerk):
    township_dossiers(community, community_clerk)

    rows = export(client, township_reviewer, {"node": township.pk, "category": Category.DEEP, "unmask": "1"})

    access = SensitiveAccess.objects.get()
    assert len(rows) == 2
    assert (access.user, access.node, access.household, access.channel) == (township_reviewer, township, None, "export")
    assert access.detail == FILTER
    assert access.row_count == 2


def test_an_unfiltered_unmasked_export_says_so(client, township_reviewer, community, community_clerk):
    township_dossiers(community, community_clerk)

    export(client, township_reviewer, {"unmask": "1"})

    access = SensitiveAccess.objects.get()
    assert (access.detail, access.row_count) == ("全部（未筛选）", 3)


def test_the_log_names_every_filter_in_chinese_and_leaves_out_what_was_ignored(client, township_reviewer, community, community_clerk):
    township_dossiers(community, community_clerk)

    export(client, township_reviewer, {
        "q": "深度", "status": "draft", "year": "99999", "never_aided": "true", "ordering": "-head_name", "unmask": "1",
    })

    assert SensitiveAccess.objects.get().detail == "搜索=深度；状态=草稿；从未帮扶过=仅这些；排序=户主姓名（降序）"


def test_a_masked_export_is_not_logged(client, township_reviewer, community, community_clerk):
    township_dossiers(community, community_clerk)

    export(client, township_reviewer, {"category": Category.DEEP})

    assert not SensitiveAccess.objects.exists()


def test_the_center_reads_a_township_reviewers_unmasked_export_in_the_admin(client, township_reviewer, township, center_admin, community, community_clerk):
    township_dossiers(community, community_clerk)
    export(client, township_reviewer, {"node": township.pk, "category": Category.DEEP, "unmask": "1"})
    client.force_login(center_admin)

    page = client.get(ACCESSES).content.decode()

    assert "王丽萍" in page and "弥阳镇工会联合会" in page and "花名册导出" in page
    assert FILTER in page
    assert '<td class="field-row_count">2</td>' in page


def test_a_sibling_townships_admin_does_not_see_the_export(client, township_reviewer, township, outsider_admin, community, community_clerk):
    township_dossiers(community, community_clerk)
    export(client, township_reviewer, {"node": township.pk, "category": Category.DEEP, "unmask": "1"})
    client.force_login(outsider_admin)

    response = client.get(ACCESSES)

    assert response.status_code == 200
    assert "王丽萍" not in response.content.decode() and FILTER not in response.content.decode()
    access = SensitiveAccess.objects.get()
    assert client.get(reverse("admin:cases_sensitiveaccess_change", args=[access.pk])).status_code == 404


def test_a_very_long_filter_is_cut_to_fit_the_log(client, township_reviewer, community, community_clerk):
    township_dossiers(community, community_clerk)

    export(client, township_reviewer, {"q": "深" * 600, "unmask": "1"})

    detail = SensitiveAccess.objects.get().detail
    assert detail.startswith("搜索=深深") and detail.endswith("…") and len(detail) == 500
