"""Every page satisfies the Content-Security-Policy header it is sent with: Chromium loads the main
pages, the forms and the back office as a center admin, and any script or style it refuses (an
inline <script>, a style="" attribute, an onchange="") is a failure naming the page."""

import pytest
from django.urls import reverse

from cases.models import Status
from network.models import Job, JobState, Role

from ..cases.conftest import make_household, make_standard
from ..conftest import PASSWORD, make_user
from ..outreach.campaign_data import outsider_rows as campaign_pages
from ..outreach.conftest import make_fund
from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def county(center, township, community, community_clerk, center_admin):
    make_standard(center)
    household = make_household(community, community_clerk, status=Status.APPROVED, head_name="杨宝珍")
    keeper = make_user("center_finance", center, Role.FINANCE, name="财务周敏")
    fund = make_fund(center, balance="5000.00", keeper=keeper)
    shown = {"outreach:campaign_detail", "outreach:campaign_review", "outreach:campaign_deliveries",
             "outreach:campaign_sheet_deliver", "outreach:return_visit_create"}
    campaigns = [reverse(name, kwargs=kwargs)
                 for name, kwargs in campaign_pages(township, community, community_clerk, center_admin).items()
                 if name in shown]
    running = Job.objects.create(kind="cases.import_preview", owner=center_admin, node=center, state=JobState.RUNNING,
                                 total=10, done=4, message="正在检查……")
    campaigns.append(reverse("network:job_detail", args=[running.pk]))  # its bar moves by static/js/job_progress.js
    return household, fund, campaigns


def test_no_page_needs_an_inline_script_or_style(page, county, center_admin):
    household, fund, campaigns = county
    refused = []
    page.on("console", lambda message: refused.append((page.url, message.text))
            if "Content Security Policy" in message.text else None)
    log_in(page, "center_admin", PASSWORD)
    pages = [
        reverse("home"), reverse("cases:household_list"), reverse("cases:household_detail", args=[household.pk]),
        reverse("cases:household_create"), reverse("cases:household_edit", args=[household.pk]),
        reverse("cases:worklist"), reverse("cases:household_import"), reverse("admin:cases_household_import"), reverse("cases:notice_list"), reverse("cases:notice_create"),
        reverse("cases:standard_list"), reverse("outreach:fund_list"), reverse("outreach:fund_detail", args=[fund.pk]),
        reverse("outreach:campaign_list"), reverse("outreach:cadre_list"), reverse("outreach:shortage"),
        reverse("outreach:aid_planned"), *campaigns,
        reverse("network:node_tree"), reverse("network:staff_list"), reverse("audit_list"), reverse("password_change"),
        reverse("admin:index"), reverse("admin:cases_household_changelist"),
        reverse("admin:cases_household_change", args=[household.pk]),
        reverse("admin:cases_household_history", args=[household.pk]), reverse("admin:network_user_changelist"),
        reverse("admin:network_auditentry_changelist"), "/no-such-page/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status in (200, 404), url
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # the dossier page's own scripts work under the policy: its action forms open and close
    page.goto(reverse("cases:household_detail", args=[household.pk]))
    assert refused == [], refused
