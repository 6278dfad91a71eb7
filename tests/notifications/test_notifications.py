import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from notifications.models import Notification
from notifications.selectors import notification_list, unread_count
from notifications.services import NotificationDraft, notifications_create, notifications_mark_read, notify
from tests import factories


@pytest.fixture
def people(make_user):
    firm, other = factories.EnterpriseFactory.create_batch(2)
    return {
        "firm_user": make_user(Role.ENTERPRISE, enterprise=firm),
        "colleague": make_user(Role.ENTERPRISE, enterprise=firm),
        "other_firm_user": make_user(Role.ENTERPRISE, enterprise=other),
        "staff": make_user(Role.CITY_STAFF),
        "firm": firm,
    }


def test_a_firm_notification_reaches_every_user_of_that_firm_only(people):
    notify(text="Claim %(reference)s approved.", params={"reference": "CX2026-000001"}, enterprise=people["firm"])
    notify(text="Personal note", user=people["staff"])
    assert [n.message for n in notification_list(user=people["firm_user"])] == ["Claim CX2026-000001 approved."]
    assert unread_count(user=people["colleague"]) == 1
    assert unread_count(user=people["other_firm_user"]) == 0
    assert [n.message for n in notification_list(user=people["staff"])] == ["Personal note"]


def test_messages_are_translated_when_read(people):
    notify(text="Voucher claim %(reference)s was approved.", params={"reference": "CX1"}, enterprise=people["firm"])
    notification = Notification.objects.get()
    with translation.override("en"):
        assert notification.message == "Voucher claim CX1 was approved."


def test_one_recipient_exactly(people):
    with pytest.raises(ValidationError):
        notifications_create(drafts=[NotificationDraft(text="x")])
    with pytest.raises(ValidationError):
        notifications_create(
            drafts=[NotificationDraft(text="x", user_id=people["staff"].pk, enterprise_id=people["firm"].pk)]
        )


def test_marking_read_touches_only_the_readers_notifications(people):
    mine = notify(text="a", enterprise=people["firm"])
    theirs = notify(text="b", user=people["staff"])
    assert notifications_mark_read(user=people["other_firm_user"], ids=[mine.pk, theirs.pk]) == 0
    assert notifications_mark_read(user=people["firm_user"]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_pages_bell_and_api(client, people):
    notification = notify(text="Claim XYZ-1 moved", link="/vouchers/", enterprise=people["firm"])
    client.force_login(people["firm_user"])
    assert 'id="notification-count">1<' in client.get(reverse("notifications:badge")).content.decode()
    assert "Claim XYZ-1 moved" in client.get(reverse("notifications:list")).content.decode()
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    client.force_login(people["other_firm_user"])
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.get(f"/api/v1/notifications/{notification.pk}/").status_code == 404
    client.force_login(people["firm_user"])
    assert client.get(reverse("notifications:open", args=[notification.pk])).url == "/vouchers/"
    assert 'id="notification-count"' not in client.get(reverse("notifications:badge")).content.decode()
    notify(text="Again", enterprise=people["firm"])
    response = client.post("/api/v1/notifications/mark-read/", {}, content_type="application/json")
    assert response.json() == {"marked": 1, "unread": 0}


def test_list_page_has_a_fixed_query_count(client, people, django_assert_num_queries):
    for index in range(5):
        notify(text=f"n{index}", enterprise=people["firm"])
    client.force_login(people["firm_user"])
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(reverse("notifications:list"))
