"""The head's name, ID number, work status, sex and phone kept on the household (the list filters,
sorts and searches on them) stay the head's own after every save path: filing, an edit of the
head, a new head, the admin, an import of a paper dossier, exit and reopening; and the list's
results are those the members themselves give."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.models import ExitReason, Household, Member, Relation, Status, WorkStatus

from .conftest import make_id_number

HEAD_ID = make_id_number(datetime.date(1975, 3, 14), serial=81)
SPOUSE_ID = make_id_number(datetime.date(1977, 5, 2), serial=82, male=False)


def copies(household):
    household = Household.objects.get(pk=household.pk)
    return (household.head_name, household.head_id_number, household.head_work_status, household.head_sex,
            household.head_phone)


def the_head(household):
    head = Member.objects.get(household=household, relation=Relation.HEAD)
    return (head.name, head.id_number, head.work_status, head.sex, head.phone)


def person(relation, name, id_number, **fields):
    birth = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    sex = "M" if int(id_number[16]) % 2 else "F"
    return Member(relation=relation, name=name, id_number=id_number, birth_date=birth, sex=sex,
                  monthly_income="900.00", **fields)


@pytest.fixture
def filed(community, community_clerk, standard):
    household = Household(node=community, primary_cause="laid_off", address="弥勒县弥阳镇髯翁社区")
    members = [person(Relation.HEAD, "马永平", HEAD_ID, phone="13987300001", work_status=WorkStatus.LAID_OFF),
               person(Relation.SPOUSE, "普秀英", SPOUSE_ID)]
    return services.household_save(household=household, members=members, actor=community_clerk)


def test_filing_copies_the_heads_fields(filed):
    assert copies(filed) == the_head(filed) == ("马永平", HEAD_ID, "laid_off", "M", "13987300001")


def test_an_edit_of_the_head_and_a_change_of_head_are_copied(filed, community_clerk):
    head, spouse = (Member.objects.get(household=filed, relation=relation)
                    for relation in (Relation.HEAD, Relation.SPOUSE))
    head.name, head.work_status = "马永年", WorkStatus.UNEMPLOYED
    services.household_save(household=Household.objects.get(pk=filed.pk), members=[head, spouse],
                            actor=community_clerk)
    assert copies(filed) == the_head(filed) and copies(filed)[0] == "马永年"

    # the head dies: his wife becomes the head and he leaves the household
    spouse.relation = Relation.HEAD
    services.household_save(household=Household.objects.get(pk=filed.pk), members=[spouse], actor=community_clerk)
    assert copies(filed) == the_head(filed) and copies(filed)[:2] == ("普秀英", SPOUSE_ID)


def test_a_paper_dossier_imported_on_file_carries_its_heads_fields(community, center_admin, standard):
    household = Household(node=community, primary_cause="illness", address="弥勒县弥阳镇髯翁社区", category="deep",
                          filed_on=datetime.date(2019, 3, 1))
    imported = services.household_import_on_file(
        household=household, members=[person(Relation.HEAD, "李文昌", HEAD_ID, work_status=WorkStatus.RETIRED)],
        actor=center_admin, number="532526201900001", approved_on=datetime.date(2019, 5, 1), category="deep")
    assert imported.status == Status.APPROVED
    assert copies(imported) == the_head(imported) and copies(imported)[0] == "李文昌"


def test_the_admin_edit_keeps_the_copies_true(client, filed, center_admin):
    head = Member.objects.get(household=filed, relation=Relation.HEAD)
    client.force_login(center_admin)
    url = reverse("admin:cases_household_change", args=[filed.pk])
    page = client.get(url)
    assert page.status_code == 200
    # the change form as it stands, with the head's name changed: built from the page's own form
    form, inline = page.context["adminform"].form, page.context["inline_admin_formsets"][0].formset
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({key: value for key, value in inline.management_form.initial.items()})
    data.update({f"{inline.prefix}-TOTAL_FORMS": str(len(inline.forms)), f"{inline.prefix}-INITIAL_FORMS":
                 str(len(inline.initial_forms))})
    for index, member_form in enumerate(inline.forms):
        for name, field in member_form.fields.items():
            value = member_form.initial.get(name, field.initial)
            if value is not None and not isinstance(value, bool):
                data[f"{inline.prefix}-{index}-{name}"] = getattr(value, "pk", value)
            elif value:
                data[f"{inline.prefix}-{index}-{name}"] = "on"
        if member_form.instance.pk == head.pk:
            data[f"{inline.prefix}-{index}-name"] = "马永康"
            data[f"{inline.prefix}-{index}-id_number"] = HEAD_ID
    for other in page.context["inline_admin_formsets"][1:]:
        management = other.formset.management_form
        data.update({f"{other.formset.prefix}-{key}": value for key, value in management.initial.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert copies(filed)[0] == "马永康" == the_head(filed)[0]


def test_exit_and_reopening_keep_the_copies(filed, community_clerk, township_reviewer, center_admin):
    Household.objects.filter(pk=filed.pk).update(status=Status.APPROVED, number="532526202600081")
    services.household_exit(household=Household.objects.get(pk=filed.pk), actor=township_reviewer,
                            reason=ExitReason.OUT_OF_HARDSHIP)
    services.household_reopen(household=Household.objects.get(pk=filed.pk), actor=community_clerk, reason="再次失业")
    assert copies(filed) == the_head(filed)


def test_searching_and_sorting_by_the_copies_give_what_the_members_give(client, filed, community, community_clerk,
                                                                       center_admin, standard):
    others = []
    for n, name in enumerate(["欧阳明", "张建华", "李建国"]):
        household = Household(node=community, primary_cause="laid_off", address="髯翁社区")
        id_number = make_id_number(datetime.date(1980, 1, 1 + n), serial=90 + n)
        others.append(services.household_save(household=household, members=[person(Relation.HEAD, name, id_number)],
                                              actor=community_clerk))
    client.force_login(center_admin)

    def heads(**query):
        return [h.head_name for h in client.get(reverse("cases:household_list"), query).context["page"]]

    assert heads(ordering="head_name") == sorted(["马永平", "欧阳明", "张建华", "李建国"])
    assert set(heads(q="建")) == {"张建华", "李建国"}  # the given name's start
    assert set(heads(q="建华")) == {"张建华"}
    assert set(heads(q="明")) == {"欧阳明"}  # after a two-character surname
    assert set(heads(q="欧阳")) == {"欧阳明"}
    assert set(heads(q="pxy")) == {"马永平"}  # a member's initials (普秀英) find the household
    assert set(heads(q=HEAD_ID)) == {"马永平"}
    assert set(heads(work_status="laid_off")) == {"马永平"}


def test_the_latest_step_is_copied_onto_the_household_by_every_move_and_import(
        filed, community, community_clerk, township_reviewer, center_admin, standard):
    from cases.models import StatusChange

    def latest_matches(household):
        household = Household.objects.get(pk=household.pk)
        step = StatusChange.objects.filter(household=household).order_by("-at", "-pk").first()
        return (household.status_changed_at, household.last_move) == (step.at, step.action)

    services.household_submit(household=Household.objects.get(pk=filed.pk), actor=community_clerk)
    assert latest_matches(filed) and Household.objects.get(pk=filed.pk).last_move == "submit"
    services.household_return(household=Household.objects.get(pk=filed.pk), actor=township_reviewer, reason="缺材料")
    assert latest_matches(filed) and Household.objects.get(pk=filed.pk).last_move == "return"
    household = Household(node=community, primary_cause="illness", address="髯翁社区", category="deep",
                          filed_on=datetime.date(2019, 3, 1))
    imported = services.household_import_on_file(
        household=household, members=[person(Relation.HEAD, "李文昌", make_id_number(serial=71))],
        actor=center_admin, number="532526201900002", approved_on=datetime.date(2019, 5, 1), category="deep")
    assert latest_matches(imported)
