"""The filing year kept on the household (the list and the admin filter by it, by index) stays the
year of its filing date on every save path: filing, an edit of the date, a paper dossier imported on
file, a sheet imported in bulk; and the year filter gives the dossiers filed that year, whatever the
order in which they were entered."""

import datetime

from django.urls import reverse

from cases import services
from cases.models import Household, Member, Relation

from .conftest import make_household, make_id_number


def year_of(household):
    return Household.objects.get(pk=household.pk).filed_year


def head(id_number, name="马永平"):
    from cases.idcard import birth_date_of, sex_of

    return Member(relation=Relation.HEAD, name=name, id_number=id_number, birth_date=birth_date_of(id_number),
                  sex=sex_of(id_number), monthly_income="900.00")


def test_filing_and_an_edit_of_the_filing_date_keep_the_year(community, community_clerk, standard):
    household = services.household_save(
        household=Household(node=community, primary_cause="laid_off", address="髯翁社区", filed_on=datetime.date(2024, 5, 1)),
        members=[head(make_id_number())], actor=community_clerk)
    assert year_of(household) == 2024

    household = Household.objects.get(pk=household.pk)
    household.filed_on = datetime.date(2023, 12, 30)
    services.household_save(household=household, members=list(household.members.all()), actor=community_clerk)
    assert year_of(household) == 2023


def test_a_paper_dossier_and_a_bulk_import_carry_their_filing_year(community, center_admin, standard):
    paper = services.household_import_on_file(
        household=Household(node=community, primary_cause="illness", address="髯翁社区", category="deep",
                            filed_on=datetime.date(2019, 3, 1)),
        members=[head(make_id_number())], actor=center_admin, number="532526201900001",
        approved_on=datetime.date(2019, 5, 1), category="deep")
    assert year_of(paper) == 2019

    services.households_import_new(actor=center_admin, dossiers=[
        services.SheetDossier(Household(node=community, primary_cause="illness", address="髯翁社区",
                                        filed_on=datetime.date(2021, 7, 9)),
                              [head(make_id_number(), name="李文昌")], note="Excel导入")])
    imported = Household.objects.get(head_name="李文昌")
    assert imported.filed_year == 2021


def test_a_save_of_the_filing_date_alone_saves_its_year(community, community_clerk):
    household = make_household(community, community_clerk, filed_on=datetime.date(2022, 1, 5))
    household.filed_on = datetime.date(2020, 8, 8)
    household.save(update_fields=["filed_on"])
    assert year_of(household) == 2020


def test_the_year_filter_lists_the_dossiers_filed_that_year(client, community, community_clerk, center_admin):
    # entered in the opposite order of their filing: the newest entry is the oldest filing
    late = make_household(community, community_clerk, head_name="二四年", filed_on=datetime.date(2024, 12, 31))
    early = make_household(community, community_clerk, head_name="二三年末", filed_on=datetime.date(2023, 12, 31))
    first = make_household(community, community_clerk, head_name="二三年初", filed_on=datetime.date(2023, 1, 1))
    client.force_login(center_admin)

    listed = client.get(reverse("cases:household_list"), {"year": 2023}).context["page"]
    assert [h.pk for h in listed] == [first.pk, early.pk]

    admin = client.get(reverse("admin:cases_household_changelist"), {"filed_year": "2024"})
    assert [h.pk for h in admin.context["cl"].result_list] == [late.pk]
