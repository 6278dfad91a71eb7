import pytest
from django.urls import reverse

from accounts.models import Role
from policies.models import Policy
from tests.policies.factories import EventFactory, NoticeFactory, PolicyFactory


def test_policy_list_query_count_is_fixed(client, make_user, matched, django_assert_num_queries):
    PolicyFactory.create_batch(5)
    client.force_login(make_user(Role.ENTERPRISE, enterprise=matched["home"][1]))
    # session, user, count, page (with the firm's own status per policy)
    with django_assert_num_queries(4):
        response = client.get(reverse("policies:list"))
    assert response.status_code == 200
    assert response.content.decode().count("badge text-bg-warning") == 1  # nearly meets the one matched policy


def test_matches_page_lists_only_the_county_and_names_the_gap(client, make_user, matched, django_assert_num_queries):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    url = reverse("policies:matches", args=[matched["policy"].pk])
    # session, user, policy, counties, count, page, counts
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert all(firm.name in html for firm in matched["home"])
    assert not any(firm.name in html for firm in matched["away"])
    assert "R&amp;D ratio" in html or "研发" in html
    assert response.context["counts"] == {"meets": 1, "nearly": 3}


def test_matches_page_is_not_for_firms(client, make_user, matched):
    client.force_login(make_user(Role.ENTERPRISE, enterprise=matched["home"][1]))
    assert client.get(reverse("policies:matches", args=[matched["policy"].pk])).status_code == 404


def test_firm_home_shows_policies_notices_and_events_in_fixed_queries(
    client, make_user, matched, django_assert_num_queries
):
    firm = matched["home"][1]
    NoticeFactory.create_batch(3)
    EventFactory.create_batch(2)
    client.force_login(make_user(Role.ENTERPRISE, enterprise=firm))
    # Issue 19: the firm's home is its next steps, which links to its firm's page (still carrying this panel).
    assert reverse("enterprises:detail", args=[firm.credit_code]) in client.get(reverse("home")).content.decode()
    # The firm page's own queries as its own user sees it (12: staff's 13 less the accounts panel), and matches,
    # notices, events.
    with django_assert_num_queries(12 + 3):
        response = client.get(reverse("enterprises:detail", args=[firm.credit_code]))
    html = response.content.decode()
    assert matched["policy"].title in html and 'id="unread-count">3<' in html
    assert 'class="small text-muted gap-text"' in html


def test_notice_and_event_lists_query_counts(client, make_user, matched, django_assert_num_queries):
    NoticeFactory.create_batch(4, county=matched["xinhua"])
    EventFactory.create_batch(4, county=matched["xinhua"])
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    with django_assert_num_queries(4):
        assert client.get(reverse("policies:notices")).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("policies:events")).status_code == 200


def test_staff_event_page_shows_only_registrations_in_scope(client, make_user, matched):
    from policies.workflows import event_register

    event = EventFactory()
    for firm in (matched["home"][0], matched["away"][0]):
        user = make_user(Role.ENTERPRISE, enterprise=firm)
        event_register(event=event, enterprise=firm, actor=user)
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    html = client.get(reverse("policies:event", args=[event.pk])).content.decode()
    assert matched["home"][0].name in html and matched["away"][0].name not in html


def test_policy_form_saves_conditions_from_the_formset(client, make_user, db):
    client.force_login(make_user(Role.CITY_STAFF))
    data = {
        "title": "研发后补助", "issuer": "市科技局", "kind": "subsidy", "summary": "摘要", "active": "on",
        "conditions-TOTAL_FORMS": "2", "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "rd_ratio", "conditions-0-op": "gte", "conditions-0-value": "3%",
        "conditions-1-field": "county", "conditions-1-op": "in", "conditions-1-value": "410402, 410482",
    }  # fmt: skip
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 302
    assert Policy.objects.get().conditions == [
        {"field": "rd_ratio", "op": "gte", "value": "0.03"},
        {"field": "county", "op": "in", "value": ["410402", "410482"]},
    ]


@pytest.mark.parametrize("value", ["abc", "30"])
def test_policy_form_bad_condition_saves_nothing(client, make_user, db, value):
    client.force_login(make_user(Role.CITY_STAFF))
    data = {
        "title": "x", "issuer": "y", "kind": "subsidy", "summary": "z",
        "conditions-TOTAL_FORMS": "1", "conditions-INITIAL_FORMS": "0",
        "conditions-0-field": "st_ratio", "conditions-0-op": "gte", "conditions-0-value": value,
    }  # fmt: skip
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 200
    assert not Policy.objects.exists()
    assert "condition 1" in response.content.decode()


def test_policy_editing_is_for_city_staff(client, make_user, db):
    policy = PolicyFactory()
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))
    assert client.get(reverse("policies:edit", args=[policy.pk])).status_code == 403
    assert client.get(reverse("policies:detail", args=[policy.pk])).status_code == 200


def test_inactive_policy_is_hidden_from_firms(client, make_user, two_counties):
    policy = PolicyFactory(active=False)
    client.force_login(make_user(Role.ENTERPRISE, enterprise=two_counties["home"][0]))
    assert client.get(reverse("policies:detail", args=[policy.pk])).status_code == 404


def test_policy_attachment_uploaded_then_served_to_signed_in_users_only(client, make_user, two_counties):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(Role.CITY_STAFF))
    data = {"title": "附件政策", "issuer": "市科技局", "kind": "subsidy", "summary": "摘要", "active": "on",
            "conditions-TOTAL_FORMS": "0", "conditions-INITIAL_FORMS": "0",
            "attachment": SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test", content_type="application/pdf")}  # fmt: skip
    assert client.post(reverse("policies:create"), data).status_code == 302
    policy = Policy.objects.get()
    url = reverse("policies:attachment", args=[policy.pk])
    client.force_login(make_user(Role.ENTERPRISE, enterprise=two_counties["away"][0]))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("通知.pdf", b"<!DOCTYPE html><html><body>login</body></html>", "web page"),
        ("通知.pdf", b"MZ\x90\x00" + bytes(100), "Windows program"),
        ("通知.docx", b"", "empty"),  # Django's own check
        ("通知.pdf", b"just some words", "text file"),
    ],
)
def test_policy_attachment_is_checked_by_content_when_uploaded(client, make_user, name, content, words):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(Role.CITY_STAFF))
    data = {"title": "附件政策", "issuer": "市科技局", "kind": "subsidy", "summary": "摘要", "active": "on",
            "conditions-TOTAL_FORMS": "0", "conditions-INITIAL_FORMS": "0",
            "attachment": SimpleUploadedFile(name, content, content_type="application/pdf")}  # fmt: skip

    response = client.post(reverse("policies:create"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    [message] = response.context["form"].errors["attachment"]
    assert words in message and (name in message or not content)
    assert not Policy.objects.exists()


def test_policy_attachment_above_the_size_limit_is_refused(client, make_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.POLICY_ATTACHMENT_MAX_MB = 0
    client.force_login(make_user(Role.CITY_STAFF))
    data = {"title": "附件政策", "issuer": "市科技局", "kind": "subsidy", "summary": "摘要", "active": "on",
            "conditions-TOTAL_FORMS": "0", "conditions-INITIAL_FORMS": "0",
            "attachment": SimpleUploadedFile("通知.pdf", b"%PDF-1.4 test", content_type="application/pdf")}  # fmt: skip

    response = client.post(reverse("policies:create"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert "larger than 0 MB" in response.context["form"].errors["attachment"][0]
    assert not Policy.objects.exists()
