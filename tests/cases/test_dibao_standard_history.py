"""Changes to the 低保 standards leave a history (who set which amount when), read in the admin's
history page within the reader's subtree."""

from decimal import Decimal

from django.urls import reverse

from cases.models import DibaoStandard

from ..network.test_staff_history import changes_in
from .conftest import make_standard


def test_a_changed_standard_is_recorded_with_who_changed_it_and_shown_in_the_admin(client, center_admin, center):
    standard = make_standard(center, urban="700.00")
    client.force_login(center_admin)
    response = client.post(reverse("cases:standard_edit", args=[standard.pk]), {
        "node": center.pk, "year": standard.year, "urban_monthly": "735.00", "rural_monthly": "560.00",
        "note": "红河州民政局关于调整城乡低保标准的通知",
    })
    assert response.status_code == 302

    record = DibaoStandard.history.filter(id=standard.pk).latest()
    assert (record.urban_monthly, record.history_user, record.history_type) == (Decimal("735.00"), center_admin, "~")
    page = client.get(reverse("admin:cases_dibaostandard_history", args=[standard.pk])).content.decode()
    changes = changes_in(page)
    assert "城镇低保标准（元/月）: 700.00 → 735.00" in changes
    assert "文件依据: — → 红河州民政局关于调整城乡低保标准的通知" in changes
    assert center_admin.name in page


def test_a_standard_set_in_the_admin_is_recorded_too(client, center_admin, center):
    client.force_login(center_admin)
    client.post(reverse("admin:cases_dibaostandard_add"), {
        "node": center.pk, "year": 2026, "urban_monthly": "735.00", "rural_monthly": "560.00", "note": "",
    })

    standard = DibaoStandard.objects.get()
    assert [(r.history_type, r.history_user) for r in DibaoStandard.history.filter(id=standard.pk)] == [("+", center_admin)]


def test_the_history_of_a_standard_outside_the_subtree_answers_404(client, township_admin, sibling_township):
    standard = make_standard(sibling_township)
    record = DibaoStandard.history.filter(id=standard.pk).get()
    client.force_login(township_admin)

    assert client.get(reverse("admin:cases_dibaostandard_history", args=[standard.pk])).status_code == 404
    assert client.get(
        reverse("admin:cases_dibaostandard_simple_history", args=[standard.pk, record.history_id])
    ).status_code == 404
