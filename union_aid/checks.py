"""Deployment checks of this project (``manage.py check --deploy``): no demo account, with the
password the README publishes, may sign in to a production system."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def no_demo_accounts(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    from network.models import User

    from .management.commands.load_demo import DEMO_PASSWORD, Command

    try:
        found = [user.username for user in User.objects.filter(username__in=Command._demo_usernames(), is_active=True)
                 if user.check_password(DEMO_PASSWORD)]
    except DatabaseError:
        return []  # not migrated yet: no account at all
    if not found:
        return []
    return [checks.Error(
        f"演示账号仍可用公开的演示密码登录：{', '.join(found)}。",
        hint="生产系统不能有演示账号或共用账号：停用它们（manage.py shell 或后台），为每位工作人员建自己的账号。",
        id="union_aid.E001",
    )]
