"""The system the backup test backs up, run in its own processes (``manage.py shell -c``) against
a database and a media folder of its own: seeded with a dossier, a fund and an uploaded file, then
written to without pause (one receipt after another) while the backup is taken."""

import json
import sys
import time
from pathlib import Path

from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

UPLOAD_NAME = "signed_sheets/sheet-1.pdf"
UPLOAD = b"%PDF-1.4 signed sheet\n" + bytes(range(256)) * 40


def seed():
    from cases.services import household_recompute
    from network.models import NodeKind, Role
    from outreach import services
    from outreach.models import Fund, FundSource
    from tests.cases.conftest import make_household, make_id_number
    from tests.conftest import make_node, make_user

    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    township = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    clerk = make_user("ranweng_clerk", township, name="赵桂兰")
    keeper = make_user("center_finance", center, Role.FINANCE, name="财务周敏")
    household = make_household(township, clerk, status="approved", head_name="杨宝珍", monthly_income="650.00",
                               members=[("杨小龙", "child", make_id_number())], bank_account="6217003860001234567",
                               phone="13988776655")
    household_recompute(household)
    household.save()
    source, _created = FundSource.objects.get_or_create(name="工会经费")
    fund = Fund.objects.create(node=center, name="送温暖资金", source=source, year=2026)
    services.fund_receive(fund=fund, actor=keeper, amount="10000.00", document_number="弥工发〔2026〕1号")
    default_storage.save(UPLOAD_NAME, ContentFile(UPLOAD))
    print(json.dumps({"household": household.pk, "fund": fund.pk}))


def write_until(stop_file, progress_file):
    """One receipt of 1.00 after another until ``stop_file`` exists; ``progress_file`` holds how
    many were written so far."""
    from network.models import User
    from outreach import services
    from outreach.models import Fund

    keeper = User.objects.get(username="center_finance")
    fund = Fund.objects.get()
    written = 0
    while not Path(stop_file).exists():
        services.fund_receive(fund=fund, actor=keeper, amount="1.00", document_number=f"弥工发〔2026〕{written + 2}号")
        written += 1
        partial = Path(f"{progress_file}.partial")
        partial.write_text(str(written))
        partial.replace(progress_file)  # never read half written
        time.sleep(0.002)


def state(household_pk):
    """What the test compares, as JSON on stdout: the dossier and its members in full, every
    ledger entry, the funds' balances, the number of rows of each table, the uploaded file."""
    from django.apps import apps

    from cases.models import Household, Member
    from outreach.models import Fund, LedgerEntry

    household = Household.objects.filter(pk=household_pk)
    members = Member.objects.filter(household_id=household_pk).order_by("pk")
    result = {
        "dossier": json.loads(serializers.serialize("json", [*household, *members])),
        "ledger": list(LedgerEntry.objects.order_by("pk")
                       .values_list("pk", "fund_id", "amount_fen", "balance_after_fen")),
        "balances": list(Fund.objects.order_by("pk").values_list("pk", "balance_fen")),
        "rows": {model._meta.label: model._default_manager.count() for model in apps.get_models()
                 if model._meta.app_label in ("network", "cases", "outreach")},
        "upload": default_storage.open(UPLOAD_NAME).read().hex() if default_storage.exists(UPLOAD_NAME) else None,
    }
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
