"""The access log page: the city administrator's alone (404 for everyone else), filters by who, kind and days,
pages, an xlsx export that is itself logged, a fixed number of queries; and the log cannot be changed."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from audit.exports import ACCESS_LOG_HEADERS
from audit.models import AccessEvent
from audit.views import PAGE_SIZE

URL = reverse("audit:access-log")
Kind = AccessEvent.Kind
# Session, user, the page's count, the page's rows with their users.
PAGE_QUERIES = 4


def _event(actor, kind=Kind.EXPORT, *, days_ago=0, what="企业名录", rows=3, filters=None):
    return AccessEvent.objects.create(
        actor=actor, kind=kind, what=what, rows=rows, filters=filters or [["县（市、区）", "新华区"]],
        client_address="10.0.0.8", at=timezone.now() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def _words(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@pytest.fixture
def admin(make_user):
    return make_user(Role.CITY_ADMIN, username="city-admin")


@pytest.mark.parametrize(
    ("role", "kwargs"),
    [
        (Role.CITY_STAFF, {}),
        (Role.COUNTY_STAFF, {"county_code": "410402"}),
        (Role.LEADER, {}),
        (Role.OFFICER, {}),
    ],
)
def test_page_is_404_for_everyone_but_the_city_admin(client, make_user, role, kwargs):
    client.force_login(make_user(role, **kwargs))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"format": "xlsx"}).status_code == 404
    assert not AccessEvent.objects.exists()


def test_page_is_404_for_a_firm(client, make_user, two_counties):
    client.force_login(make_user(Role.ENTERPRISE, enterprise=two_counties["home"][0]))
    assert client.get(URL).status_code == 404


def test_anonymous_goes_to_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_city_admin_sees_the_log_in_plain_words_and_a_menu_link(client, admin, make_user):
    staff = make_user(Role.CITY_STAFF, username="wang")
    _event(staff)
    client.force_login(admin)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="nav-access-log"' in html and URL in html
    assert "企业名录" in html and "新华区" in html and "10.0.0.8" in html and "wang" in html
    assert _words(Kind.EXPORT.label) in html  # the interface's language is the portal's by default


def test_menu_link_is_for_the_city_admin_only(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))
    assert 'id="nav-access-log"' not in client.get(reverse("home"), follow=True).content.decode()


def test_filters_by_who_kind_and_days(client, admin, make_user):
    wang, li = make_user(Role.CITY_STAFF, username="wang"), make_user(Role.LEADER, username="li")
    recent = _event(wang, Kind.EXPORT)
    viewed = _event(wang, Kind.CONTACT_VIEW, what="联系人")
    _event(li, Kind.DOWNLOAD)
    old = _event(wang, Kind.EXPORT, days_ago=10)
    client.force_login(admin)

    def shown(**params):
        return {event.pk for event in client.get(URL, params).context["page"].object_list}

    assert shown(who="wan") == {recent.pk, viewed.pk, old.pk}
    assert shown(who="wang", kind=Kind.CONTACT_VIEW) == {viewed.pk}
    today = timezone.localdate()
    assert shown(who="wang", since=today.isoformat()) == {recent.pk, viewed.pk}
    ten_days = (today - datetime.timedelta(days=10)).isoformat()
    assert shown(since=ten_days, until=ten_days) == {old.pk}
    assert shown(kind=Kind.DOWNLOAD) == {AccessEvent.objects.get(actor=li).pk}


def test_days_the_wrong_way_round_are_explained(client, admin):
    client.force_login(admin)
    response = client.get(URL, {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_pages_of_fifty(client, admin):
    AccessEvent.objects.bulk_create(
        [AccessEvent(actor=admin, kind=Kind.EXPORT, what=f"导出{n}", rows=n) for n in range(PAGE_SIZE + 5)]
    )
    client.force_login(admin)
    first = client.get(URL).context["page"]
    assert len(first.object_list) == PAGE_SIZE and first.paginator.num_pages == 2
    assert len(client.get(URL, {"page": 2}).context["page"].object_list) == 5


def test_page_query_count_is_fixed(client, admin, make_user, django_assert_num_queries):
    users = [make_user(Role.CITY_STAFF, username=f"staff{n}") for n in range(5)]
    for user in users * 3:
        _event(user)
    client.force_login(admin)
    client.get(URL)  # warm the session
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(URL, {"kind": Kind.EXPORT, "who": "staff"}).status_code == 200


def test_export_holds_the_filtered_rows_and_is_logged_itself(client, admin, make_user):
    wang = make_user(Role.CITY_STAFF, username="wang")
    _event(wang, Kind.EXPORT, filters=[["县（市、区）", "=cmd"]])
    _event(wang, Kind.CONTACT_VIEW, what="联系人", rows=None)
    client.force_login(admin)

    response = client.get(URL, {"kind": Kind.EXPORT, "who": "wang"} | {"format": "xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(ACCESS_LOG_HEADERS)
    assert len(rows) == 2
    assert rows[1][1] == "wang" and rows[1][4] == "企业名录" and rows[1][7] == 3
    assert rows[1][6] == "县（市、区）：=cmd"  # not at the start of the cell: no formula
    logged = AccessEvent.objects.get(actor=admin)
    assert (logged.kind, logged.rows) == (Kind.EXPORT, 1)
    who, kind = pgettext_lazy("access log", "Who"), _("Kind")
    assert logged.filters == [[_words(who), "wang"], [_words(kind), _words(Kind.EXPORT.label)]]


def test_a_row_cannot_be_saved_twice(admin):
    event = _event(admin)
    event.what = "改过"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_the_database_refuses_update_and_delete(admin, require_postgres):
    event = _event(admin)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).update(what="改过")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get(pk=event.pk).what == "企业名录"


def test_the_admin_site_changes_nothing(client, admin):
    event = _event(admin)
    client.force_login(admin)
    assert client.get(reverse("admin:audit_accessevent_changelist")).status_code == 200
    assert client.post(reverse("admin:audit_accessevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AccessEvent.objects.filter(pk=event.pk).exists()
