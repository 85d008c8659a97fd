"""In a real browser: logging in, the scoped network tree, and the lockout after five wrong passwords."""

import pytest
from playwright.sync_api import expect

from network.models import NodeKind, Role

from ..conftest import PASSWORD, make_node, make_user
from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def county(transactional_db):
    center = make_node(NodeKind.CENTER, name="弥勒县困难职工援助分中心", code="532526000")
    miyang = make_node(NodeKind.TOWNSHIP, center, name="弥阳镇工会联合会")
    make_node(NodeKind.COMMUNITY, miyang, name="髯翁社区援助分站")
    xinshao = make_node(NodeKind.TOWNSHIP, center, name="新哨镇工会联合会")
    make_node(NodeKind.COMMUNITY, xinshao, name="新哨社区援助分站")
    return {
        "reviewer": make_user("miyang_reviewer", miyang, Role.REVIEWER, name="王丽萍"),
        "clerk": make_user("miyang_clerk", miyang, Role.DATA_ENTRY, name="张志强"),
    }


def test_township_reviewer_logs_in_and_sees_only_his_townships_tree(page, county):
    log_in(page, "miyang_reviewer", PASSWORD)
    expect(page.locator("h1")).to_have_text("您好，王丽萍")

    page.get_by_role("link", name="四级网络").click()
    tree = page.locator("table.tree")
    expect(tree).to_contain_text("弥阳镇工会联合会")
    expect(tree).to_contain_text("髯翁社区援助分站")
    expect(tree).not_to_contain_text("新哨镇工会联合会")
    expect(tree).not_to_contain_text("新哨社区援助分站")
    expect(tree).not_to_contain_text("弥勒县困难职工援助分中心")
    assert tree.locator("tbody tr").count() == 2


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(page, county):
    for attempt in range(1, 5):
        log_in(page, "miyang_clerk", "Wrong-Password-%d" % attempt)
        expect(page.locator(".form-errors")).to_contain_text("请输入一个正确的用户名和密码")
    log_in(page, "miyang_clerk", "Wrong-Password-5")
    expect(page.locator("h1")).to_have_text("账号已锁定")

    log_in(page, "miyang_clerk", PASSWORD)
    expect(page.locator("h1")).to_have_text("账号已锁定")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)

    log_in(page, "miyang_reviewer", PASSWORD)
    expect(page.locator("h1")).to_have_text("您好，王丽萍")
