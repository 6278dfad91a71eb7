"""The notification settings page: reachable from the account menu, saving the channels chosen, refusing a channel
without an address, in plain words."""

import pytest
from django.urls import reverse

from accounts.models import Role
from notifications.models import ChannelPreference, Delivery, Notification
from tests import factories


@pytest.fixture
def firm_user(make_user):
    user = make_user(Role.ENTERPRISE, enterprise=factories.EnterpriseFactory(contact_phone=""))
    user.email = "wang@example.cn"
    user.save()
    return user


def test_the_settings_page_is_in_the_account_menu(client, firm_user):
    client.force_login(firm_user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'id="nav-notification-settings"' in page and reverse("notifications:settings") in page


def test_the_settings_page_saves_the_channels_chosen(client, firm_user, django_assert_max_num_queries):
    client.force_login(firm_user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert "wang@example.cn" in page.content.decode()
    answer = client.post(reverse("notifications:settings"), {"email": "on"}, follow=True)
    assert answer.redirect_chain[-1][0] == reverse("notifications:settings")
    preference = ChannelPreference.objects.get(user=firm_user)
    assert (preference.email, preference.sms) == (True, False)
    client.post(reverse("notifications:settings"), {})
    preference.refresh_from_db()
    assert (preference.email, preference.sms) == (False, False)


def test_sms_without_a_phone_is_refused_in_words(client, firm_user):
    client.force_login(firm_user)
    answer = client.post(reverse("notifications:settings"), {"email": "on", "sms": "on"}, follow=True)
    assert "没有手机号码" in answer.content.decode() or "no phone number" in answer.content.decode()
    assert not ChannelPreference.objects.filter(user=firm_user).exists()


def test_the_page_lists_the_last_reminders_sent_masked(client, firm_user):
    notification = Notification.objects.create(
        recipient_enterprise=firm_user.enterprise, kind="certificate_expiring", text="Certificate ends soon."
    )
    Delivery.objects.create(
        notification=notification,
        user=firm_user,
        channel="email",
        status="sent",
        attempts=2,
        address_masked="w***@example.cn",
    )
    client.force_login(firm_user)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Certificate ends soon." in page and "w***@example.cn" in page
