"""公示: publishing center-passed dossiers, the public list with masked ID numbers, objections."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.idcard import mask_id_number
from cases.models import Household, NoticeBatch, Objection, Status, StatusChange

from ..conftest import make_user
from .conftest import make_household as _make_household
from .conftest import backdate_notice, make_id_number

_people = itertools.count()


def _unique_id():
    """make_id_number's own serials repeat for men (102 becomes 103, like 103): step by two."""
    n = next(_people)
    return make_id_number(birth=datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 400), serial=101 + 2 * (n % 400))


def make_household(node, created_by, **fields):
    fields.setdefault("head_id", _unique_id())
    return _make_household(node, created_by, **fields)


def _publish(actor, households, *, starts_on=None, days=7, title="2026年第1批困难职工建档公示"):
    """Publishes a notice; one that starts in the past is published today and then back-dated."""
    today = timezone.localdate()
    starts_on = starts_on or today
    batch = services.notice_publish(
        actor=actor, title=title, starts_on=max(starts_on, today),
        ends_on=max(starts_on, today) + datetime.timedelta(days=days - 1), households=households,
        place="县总工会公示栏",
    )
    if starts_on < today:
        backdate_notice(batch, (today - starts_on).days, days)
    return batch


def _form_data(households, **overrides):
    today = timezone.localdate()
    data = {
        "title": "2026年第1批困难职工建档公示",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=6)).isoformat(),
        "place": "县总工会公示栏",
        "households": [h.pk for h in households],
    }
    data.update(overrides)
    return data


@pytest.fixture
def passed(township, community, colleague):
    """Three dossiers the center has passed, waiting for their notice."""
    return [
        make_household(township, colleague, head_name="张志强", status=Status.CENTER_PASSED),
        make_household(community, colleague, head_name="赵桂兰", status=Status.CENTER_PASSED, household_size=4),
        make_household(community, colleague, head_name="杨文华", status=Status.CENTER_PASSED),
    ]


@pytest.fixture
def batch(center_admin, passed):
    return _publish(center_admin, passed[:2])


def _objection(batch, actor, head_name="张志强", content="反映人称其家中另有门面出租收入。"):
    entry = batch.entries.get(household__members__name=head_name)
    return services.objection_log(entry=entry, actor=actor, content=content)


# --- publishing ----------------------------------------------------------------------------------


def test_the_new_notice_form_offers_only_center_passed_dossiers_with_sensible_defaults(
    client, center_admin, passed, township, colleague
):
    make_household(township, colleague, head_name="周春生", status=Status.PRELIM_PASSED)
    client.force_login(center_admin)
    response = client.get(reverse("cases:notice_create"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "张志强" in content and "赵桂兰" in content and "杨文华" in content
    assert "周春生" not in content
    today = timezone.localdate()
    form = response.context["form"]
    assert form["title"].value() == f"{today.year}年第1批困难职工建档公示"
    assert form["ends_on"].value() == today + datetime.timedelta(days=6)


def test_center_admin_publishes_the_chosen_dossiers_and_they_go_on_notice(client, center_admin, center, passed):
    client.force_login(center_admin)
    response = client.post(reverse("cases:notice_create"), _form_data(passed[:2]))
    batch = NoticeBatch.objects.get()
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    assert batch.node == center and batch.created_by == center_admin and batch.place == "县总工会公示栏"
    assert set(batch.households.all()) == set(passed[:2])
    for household in passed[:2]:
        household.refresh_from_db()
        assert household.status == Status.IN_NOTICE
        change = household.status_changes.get()
        assert (change.action, change.from_status, change.to_status, change.actor) == (
            "notice", Status.CENTER_PASSED, Status.IN_NOTICE, center_admin
        )
    passed[2].refresh_from_db()
    assert passed[2].status == Status.CENTER_PASSED


def test_publishing_without_choosing_a_dossier_is_refused_in_chinese_and_nothing_is_saved(
    client, center_admin, passed
):
    client.force_login(center_admin)
    response = client.post(reverse("cases:notice_create"), _form_data([], title="第二批公示"))
    assert response.status_code == 200
    assert response.context["form"].errors["households"] == ["请至少选择一份待公示的档案。"]
    assert "请至少选择一份待公示的档案。" in response.content.decode()
    assert 'value="第二批公示"' in response.content.decode()
    assert not NoticeBatch.objects.exists()
    assert not StatusChange.objects.exists()


def test_an_end_date_before_the_start_is_refused_beside_the_field_and_nothing_is_saved(
    client, center_admin, passed
):
    client.force_login(center_admin)
    today = timezone.localdate()
    data = _form_data(passed, ends_on=(today - datetime.timedelta(days=1)).isoformat())
    response = client.post(reverse("cases:notice_create"), data)
    assert response.context["form"].errors["ends_on"] == ["公示截止日期不能早于开始日期。"]
    assert not NoticeBatch.objects.exists()
    assert set(Household.objects.values_list("status", flat=True)) == {Status.CENTER_PASSED}
    # what the user chose stays chosen
    assert response.content.decode().count('name="households" value=') == 3
    assert response.content.decode().count(" checked>") == 3


def test_a_dossier_that_is_not_waiting_for_notice_cannot_be_slipped_in(client, center_admin, township, colleague):
    draft = make_household(township, colleague, status=Status.DRAFT)
    client.force_login(center_admin)
    response = client.post(reverse("cases:notice_create"), _form_data([draft]))
    assert "所选档案不在待公示名单中" in response.content.decode()
    assert not NoticeBatch.objects.exists()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_dossier_returned_while_the_form_was_open_is_refused_and_the_whole_batch_is_undone(
    client, center_admin, passed, monkeypatch
):
    publish = services.notice_publish

    def returned_meanwhile(**kwargs):
        Household.objects.filter(pk=passed[1].pk).update(status=Status.DRAFT)
        return publish(**kwargs)

    monkeypatch.setattr(services, "notice_publish", returned_meanwhile)
    client.force_login(center_admin)
    response = client.post(reverse("cases:notice_create"), _form_data(passed[:2]))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["档案当前状态为“草稿”，不能进行此操作。"]
    assert not NoticeBatch.objects.exists()
    passed[0].refresh_from_db()
    assert passed[0].status == Status.CENTER_PASSED


def test_a_township_reviewer_gets_403_on_the_new_notice_page(client, township_reviewer, passed):
    client.force_login(township_reviewer)
    assert client.get(reverse("cases:notice_create")).status_code == 403
    assert client.post(reverse("cases:notice_create"), _form_data(passed)).status_code == 403
    assert not NoticeBatch.objects.exists()


def test_an_admin_role_at_a_township_is_not_the_center_and_gets_403(client, township_admin, passed):
    client.force_login(township_admin)
    assert client.get(reverse("cases:notice_create")).status_code == 403
    assert client.post(reverse("cases:notice_create"), _form_data(passed)).status_code == 403
    assert not NoticeBatch.objects.exists()


# --- the list --------------------------------------------------------------------------------------


def test_the_notice_list_shows_each_batch_with_its_dossiers_open_objections_and_status(
    client, center_admin, batch, passed, township, colleague
):
    _objection(batch, center_admin)
    resolved = _objection(batch, center_admin, head_name="赵桂兰")
    services.objection_resolve(objection=resolved, actor=center_admin, upheld=False, resolution="经核实不属实。")
    today = timezone.localdate()
    later = make_household(township, colleague, head_name="吴晓东", status=Status.CENTER_PASSED)
    _publish(center_admin, [later], starts_on=today + datetime.timedelta(days=3), title="下周公示")
    ended = NoticeBatch.objects.create(
        title="上月公示", node=batch.node, created_by=center_admin,
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=24),
    )
    client.force_login(center_admin)
    response = client.get(reverse("cases:notice_list"))
    rows = {b.title: b for b in response.context["batches"]}
    assert (rows[batch.title].dossier_count, rows[batch.title].open_objections) == (2, 1)
    assert (rows["下周公示"].dossier_count, rows[ended.title].dossier_count) == (1, 0)
    content = response.content.decode()
    assert content.count("公示中</span>") == 1
    assert content.count("未开始</span>") == 1
    assert content.count("已结束</span>") == 1


def test_a_township_user_does_not_see_the_centers_notices_in_the_list(client, township_reviewer, batch):
    client.force_login(township_reviewer)
    response = client.get(reverse("cases:notice_list"))
    assert response.status_code == 200
    assert list(response.context["batches"]) == []
    assert batch.title not in response.content.decode()


@pytest.mark.parametrize("dossiers", [3, 20])
def test_the_notice_list_takes_a_fixed_number_of_queries(
    client, center_admin, township, colleague, dossiers, django_assert_max_num_queries
):
    for i in range(2):
        households = [make_household(township, colleague, status=Status.CENTER_PASSED) for _ in range(dossiers)]
        batch = _publish(center_admin, households, title=f"第{i + 1}批")
        for entry in batch.entries.all()[:3]:
            services.objection_log(entry=entry, actor=center_admin, content="有群众反映。")
    client.force_login(center_admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("cases:notice_list"))
    assert len(response.context["batches"]) == 2


# --- the detail page: the public list ------------------------------------------------------------------


def test_the_detail_page_shows_the_public_list_with_every_id_number_masked(client, center_admin, center, passed):
    head_id = make_id_number(serial=777)
    household = make_household(center, center_admin, head_name="黄玉珍", head_id=head_id, status=Status.CENTER_PASSED,
                               household_size=5, category="relative")
    Household.objects.filter(pk=household.pk).update(per_capita_monthly_income="812.50")
    batch = _publish(center_admin, [household, passed[0]])
    client.force_login(center_admin)
    # a center admin may see full numbers elsewhere, and even asking for them changes nothing here
    for url in (batch.get_absolute_url(), batch.get_absolute_url() + "?unmask=1"):
        content = client.get(url).content.decode()
        assert head_id not in content
        assert mask_id_number(head_id) in content
        assert "黄玉珍" in content and "相对困难" in content and "812.50" in content
        assert center.name in content
    phone = household.members.get().phone
    assert phone not in content


def test_the_detail_page_prints_the_list_for_the_notice_board_as_a_pdf(client, center_admin, batch):
    client.force_login(center_admin)
    content = client.get(batch.get_absolute_url()).content.decode()
    assert reverse("cases:notice_pdf", args=[batch.pk]) in content
    assert "现予公示" in content


def test_a_township_user_gets_404_on_the_centers_notice(client, township_reviewer, colleague, batch):
    for user in (township_reviewer, colleague):
        client.force_login(user)
        assert client.get(batch.get_absolute_url()).status_code == 404


def test_a_reader_sees_the_list_and_objections_but_no_forms(client, center_admin, center_leader, batch):
    _objection(batch, center_admin)
    client.force_login(center_leader)
    response = client.get(batch.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "反映人称其家中另有门面出租收入" in content
    assert reverse("cases:objection_create", args=[batch.pk]) not in content
    assert "保存处理结果" not in content


@pytest.mark.parametrize("dossiers", [3, 20])
def test_the_notice_detail_takes_a_fixed_number_of_queries(
    client, center_admin, township, colleague, dossiers, django_assert_max_num_queries
):
    households = [make_household(township, colleague, status=Status.CENTER_PASSED) for _ in range(dossiers)]
    batch = _publish(center_admin, households)
    for entry in batch.entries.all():
        services.objection_log(entry=entry, actor=center_admin, content="有群众反映。")
    resolved = Objection.objects.first()
    services.objection_resolve(objection=resolved, actor=center_admin, upheld=True, resolution="属实。")
    client.force_login(center_admin)
    with django_assert_max_num_queries(10):
        response = client.get(batch.get_absolute_url())
    assert len(response.context["entries"]) == dossiers
    assert response.content.decode().count("保存处理结果") == dossiers - 1


# --- objections ------------------------------------------------------------------------------------


def test_center_admin_logs_an_objection_and_it_shows_on_the_notice(client, center_admin, batch, passed):
    entry = batch.entries.get(household=passed[0])
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_create", args=[batch.pk]), {
        "objection-entry": entry.pk,
        "objection-received_on": timezone.localdate().isoformat(),
        "objection-content": "邻居反映其子女已在昆明工作，收入未申报。",
    })
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    objection = Objection.objects.get()
    assert (objection.entry, objection.logged_by, objection.is_resolved) == (entry, center_admin, False)
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "邻居反映其子女已在昆明工作" in content
    assert "待处理" in content


def test_an_objection_without_content_is_refused_beside_the_field(client, center_admin, batch, passed):
    entry = batch.entries.get(household=passed[0])
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_create", args=[batch.pk]), {
        "objection-entry": entry.pk, "objection-received_on": timezone.localdate().isoformat(),
        "objection-content": "  ",
    })
    assert response.status_code == 200
    assert response.context["objection_form"].errors["content"] == ["请填写异议内容。"]
    assert "请填写异议内容。" in response.content.decode()
    assert not Objection.objects.exists()


def test_an_objection_to_a_dossier_no_longer_on_notice_is_refused(client, center_admin, batch, passed):
    entry = batch.entries.get(household=passed[0])
    services.household_return(household=passed[0], actor=center_admin, reason="材料不全。")
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_create", args=[batch.pk]), {
        "objection-entry": entry.pk, "objection-received_on": timezone.localdate().isoformat(),
        "objection-content": "反映情况。",
    })
    assert response.context["objection_form"].errors["entry"] == ["该档案已不在公示中，不能登记异议。"]
    assert not Objection.objects.exists()


def test_logging_an_objection_is_post_only(client, center_admin, batch):
    client.force_login(center_admin)
    assert client.get(reverse("cases:objection_create", args=[batch.pk])).status_code == 405


def test_a_reviewer_cannot_log_an_objection(client, township_reviewer, batch, passed):
    client.force_login(township_reviewer)
    response = client.post(reverse("cases:objection_create", args=[batch.pk]), {
        "objection-entry": batch.entries.first().pk, "objection-content": "反映情况。",
        "objection-received_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_an_admin_role_at_a_township_gets_404_on_the_centers_objections(client, township_admin, center_admin, batch):
    objection = _objection(batch, center_admin)
    client.force_login(township_admin)
    create = client.post(reverse("cases:objection_create", args=[batch.pk]), {
        "objection-entry": objection.entry_id, "objection-content": "反映情况。",
        "objection-received_on": timezone.localdate().isoformat(),
    })
    resolve = client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "1", f"resolve{objection.pk}-resolution": "属实。",
    })
    assert (create.status_code, resolve.status_code) == (404, 404)
    objection.refresh_from_db()
    assert not objection.is_resolved
    assert Objection.objects.count() == 1


def test_an_objection_found_groundless_leaves_the_dossier_on_notice(client, center_admin, batch, passed):
    objection = _objection(batch, center_admin)
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "0", f"resolve{objection.pk}-resolution": "经入户核实，门面为租用，无出租收入。",
    })
    assert response.status_code == 302 and response.url == batch.get_absolute_url()
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolved_by, objection.is_resolved) == (False, center_admin, True)
    passed[0].refresh_from_db()
    assert passed[0].status == Status.IN_NOTICE
    content = client.get(batch.get_absolute_url()).content.decode()
    assert "异议不成立" in content and "经入户核实，门面为租用" in content


def test_an_upheld_objection_returns_the_dossier_to_draft_and_takes_it_off_the_list(
    client, center_admin, batch, passed
):
    objection = _objection(batch, center_admin)
    client.force_login(center_admin)
    client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "1", f"resolve{objection.pk}-resolution": "核实其有门面出租收入，每月1500元。",
    })
    objection.refresh_from_db()
    assert objection.upheld is True and objection.is_resolved
    passed[0].refresh_from_db()
    assert passed[0].status == Status.DRAFT
    change = passed[0].status_changes.latest("pk")
    assert (change.from_status, change.to_status, change.actor) == (Status.IN_NOTICE, Status.DRAFT, center_admin)
    assert "核实其有门面出租收入" in change.opinion
    response = client.get(batch.get_absolute_url())
    entries = {e.household.pk: e for e in response.context["entries"]}
    assert entries[passed[0].pk].withdrawn and not hasattr(entries[passed[0].pk], "public_no")
    assert entries[passed[1].pk].public_no == 1
    assert response.context["public_count"] == 1
    assert "异议成立，已撤出" in response.content.decode()


def test_resolving_without_a_finding_is_refused_beside_the_field(client, center_admin, batch, passed):
    objection = _objection(batch, center_admin)
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "1", f"resolve{objection.pk}-resolution": "",
    })
    assert response.status_code == 200
    shown = next(o for o in response.context["objections"] if o.pk == objection.pk)
    assert shown.form.errors["resolution"] == ["请填写核查处理意见。"]
    assert "请填写核查处理意见。" in response.content.decode()
    objection.refresh_from_db()
    assert not objection.is_resolved
    passed[0].refresh_from_db()
    assert passed[0].status == Status.IN_NOTICE


def test_an_objection_cannot_be_resolved_twice(client, center_admin, batch, passed):
    objection = _objection(batch, center_admin)
    services.objection_resolve(objection=objection, actor=center_admin, upheld=False, resolution="不属实。")
    client.force_login(center_admin)
    response = client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "1", f"resolve{objection.pk}-resolution": "改判。",
    }, follow=True)
    assert "该异议已处理。" in response.content.decode()
    objection.refresh_from_db()
    assert (objection.upheld, objection.resolution) == (False, "不属实。")
    passed[0].refresh_from_db()
    assert passed[0].status == Status.IN_NOTICE


def test_a_second_center_admin_may_handle_objections_too(client, center, center_admin, batch):
    colleague_admin = make_user("center_admin2", center, center_admin.role, name="杨文华")
    objection = _objection(batch, center_admin)
    client.force_login(colleague_admin)
    client.post(reverse("cases:objection_resolve", args=[objection.pk]), {
        f"resolve{objection.pk}-upheld": "0", f"resolve{objection.pk}-resolution": "不属实。",
    })
    objection.refresh_from_db()
    assert objection.resolved_by == colleague_admin
