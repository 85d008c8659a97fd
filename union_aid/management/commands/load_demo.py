"""Loads the demo county: its four-level network, its units and staff at every level in every role.

Idempotent: nodes, units and accounts are matched by code, name and username, so running it
again changes nothing. Never for production data.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

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
DEMO_NAMES = ["李建华", "王丽萍", "张志强", "赵桂兰", "刘德明", "陈海燕", "杨文华", "黄玉珍", "周春生", "吴晓东",
              "徐云飞", "孙丽华", "马永平", "朱红梅", "胡国庆", "郭秀英", "何建国", "高志明", "林美玲", "罗家强",
              "梁小红", "宋光明", "郑淑芬", "谢天明", "韩春花"]


class Command(BaseCommand):
    help = "载入演示数据：弥勒县四级网络、单位和各级各角色的演示账号（可重复运行）。"

    def handle(self, *args, **options):
        data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo_network.json").read_text("utf-8"))
        with transaction.atomic():
            center = self._node({**data["center"], "kind": NodeKind.CENTER}, parent=None)
            for child in data["children"]:
                self._tree(child, center)
            accounts = self._staff()
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{Node.objects.count()} 个网络节点，"
                                             f"{Enterprise.objects.count()} 个单位。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, node_name, role_label in accounts:
            self.stdout.write(f"  {username:<22} {role_label:<6} {node_name}")

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
        for prefix, code, _label in DEMO_POSTS:
            node = Node.objects.get(code=code)
            for role, suffix in ROLE_SUFFIX.items():
                username = f"{prefix}_{suffix}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, name=next(names), is_staff=True)
                    user.set_password(DEMO_PASSWORD)
                user.node, user.role, user.is_active = node, role, True
                user.save()
                accounts.append((username, node.name, role.label))
        return accounts
