"""Verifies that every fund's stored balance equals the sum of its ledger entries."""

from django.core.management.base import BaseCommand, CommandError

from cases.money import yuan
from outreach.services import ledger_differences


class Command(BaseCommand):
    help = "核对每笔资金的余额是否等于其全部流水之和，列出不一致的资金。"

    def handle(self, *args, **options):
        differences = ledger_differences()
        for fund, balance, total in differences:
            self.stdout.write(f"不一致：{fund}（#{fund.pk}）余额 {yuan(balance)} 元，流水合计 {yuan(total)} 元，"
                              f"相差 {yuan(balance - total)} 元")
        if differences:
            raise CommandError(f"{len(differences)} 笔资金的余额与流水不一致。")
        self.stdout.write(self.style.SUCCESS("全部资金的余额与流水一致。"))
