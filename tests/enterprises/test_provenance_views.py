"""The pages of the sources of each value: the firm page's source tags and histories, the conflicts list and its
resolution (enterprises.provenance, enterprises.views)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from enterprises.models import Conflict, ConflictEvent, SourceKind
from enterprises.provenance import reconcile, source_values_record

DAY = datetime.date(2026, 3, 1)


def _disagree(firm, *, year=2025):
    source_values_record(
        enterprise=firm,
        year=year,
        values={"revenue": "1000000"},
        source_kind=SourceKind.DEPARTMENT,
        source_name="Tax bureau list",
        as_of=DAY,
        actor=None,
    )
    source_values_record(
        enterprise=firm,
        year=year,
        values={"revenue": "2000000"},
        source_kind=SourceKind.SPREADSHEET,
        source_name="county sheet.xlsx",
        as_of=DAY,
        actor=None,
    )


@pytest.fixture
def conflicts(two_counties):
    for firm in two_counties["home"] + two_counties["away"]:
        _disagree(firm)
    reconcile()
    return two_counties


def test_county_staff_list_only_their_countys_conflicts_in_fixed_queries(
    client, make_user, conflicts, django_assert_num_queries
):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    # Session, user, count, page (firms, counties and both observations joined).
    with django_assert_num_queries(4):
        response = client.get(reverse("enterprises:conflicts"))
    shown = {c.enterprise_id for c in response.context["page"].object_list}
    assert shown == {firm.pk for firm in conflicts["home"]}
    text = response.content.decode()
    assert "Tax bureau list" in text and "county sheet.xlsx" in text


def test_city_staff_narrow_the_conflicts_to_one_county(client, make_user, conflicts):
    """The data-quality page links to one county's conflicts (`?county=`)."""
    client.force_login(make_user(Role.CITY_STAFF))
    response = client.get(reverse("enterprises:conflicts"), {"county": "410482"})
    assert {c.enterprise_id for c in response.context["page"].object_list} == {f.pk for f in conflicts["away"]}
    assert response.context["county"].code == "410482"


def test_county_staff_asking_for_another_county_see_their_own(client, make_user, conflicts):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    response = client.get(reverse("enterprises:conflicts"), {"county": "410482"})
    assert {c.enterprise_id for c in response.context["page"].object_list} == {f.pk for f in conflicts["home"]}


def test_a_firm_user_may_not_open_the_conflicts(client, make_user, conflicts):
    client.force_login(make_user(Role.ENTERPRISE, enterprise=conflicts["home"][0]))
    assert client.get(reverse("enterprises:conflicts")).status_code == 403


def test_resolving_needs_a_reason_and_records_who_and_why(client, make_user, conflicts):
    user = make_user(Role.COUNTY_STAFF, county_code="410402")
    client.force_login(user)
    conflict = Conflict.objects.get(enterprise=conflicts["home"][0])
    url = reverse("enterprises:conflict-resolve", args=[conflict.pk])
    client.post(url, {"reason": "  "})
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN
    response = client.post(url, {"reason": "The tax list is the audited figure."}, follow=True)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_by, conflict.reason) == (
        Conflict.Status.RESOLVED,
        user,
        "The tax list is the audited figure.",
    )
    event = ConflictEvent.objects.get(conflict=conflict)
    assert (event.from_state, event.to_state, event.actor, event.note) == (
        "open",
        "resolved",
        user,
        "The tax list is the audited figure.",
    )
    assert conflict.pk not in {c.pk for c in response.context["page"].object_list}
    assert reconcile().changed_rows == 0  # the next run leaves a resolved conflict resolved


def test_another_countys_conflict_is_not_found(client, make_user, conflicts):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    away = Conflict.objects.get(enterprise=conflicts["away"][0])
    response = client.post(reverse("enterprises:conflict-resolve", args=[away.pk]), {"reason": "x"})
    assert response.status_code == 404
    away.refresh_from_db()
    assert away.status == Conflict.Status.OPEN


def test_the_firm_page_tags_each_figure_with_its_source_for_staff_only(client, make_user, conflicts):
    firm = conflicts["home"][0]
    client.force_login(make_user(Role.CITY_STAFF))
    text = client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert 'class="source-tag"' in text
    assert "Tax bureau list" in text and "2026-03-01" in text  # the title: source, list, as-of day
    assert 'id="source-histories"' in text and "county sheet.xlsx" in text  # the history keeps the other value
    client.force_login(make_user(Role.ENTERPRISE, enterprise=firm))
    text = client.get(reverse("enterprises:detail", args=[firm.credit_code])).content.decode()
    assert 'class="source-tag"' not in text and 'id="source-histories"' not in text


def test_a_staff_edit_in_the_admin_records_an_observation(client, make_user, two_counties):
    from enterprises.models import SourceValue

    firm = two_counties["home"][0]
    admin = make_user(Role.CITY_ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    row = firm.indicators.get()
    url = reverse("admin:enterprises_annualindicator_change", args=[row.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["enterprise"] = firm.pk
    data["revenue"] = "123456.00"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    observed = SourceValue.objects.get(enterprise=firm, field="revenue")
    assert (observed.source_kind, observed.value, observed.actor) == (SourceKind.STAFF_EDIT, 123456, admin)
    assert not SourceValue.objects.filter(field="employees").exists()  # unchanged figures are not observed


def test_only_the_city_administrator_sets_the_order_in_the_admin(client, make_user, db):
    from enterprises.models import FieldPrecedence
    from enterprises.provenance import precedence_rules

    staff = make_user(Role.CITY_STAFF)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:enterprises_fieldprecedence_add")).status_code == 403
    admin = make_user(Role.CITY_ADMIN)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    data = {
        "field": "revenue",
        "place_0": "spreadsheet",
        "place_1": "department",
        "place_2": "",
        "place_3": "",
        "abs_tolerance": "500",
        "rel_tolerance": "0.02",
    }
    assert (
        client.post(reverse("admin:enterprises_fieldprecedence_add"), {**data, "place_1": "spreadsheet"}).status_code
        == 200
    )
    assert not FieldPrecedence.objects.exists()  # a source named twice is refused
    response = client.post(reverse("admin:enterprises_fieldprecedence_add"), data)
    assert response.status_code == 302
    rule = precedence_rules()["revenue"]
    assert rule.order == ("spreadsheet", "department")
    assert FieldPrecedence.objects.get().updated_by == admin
