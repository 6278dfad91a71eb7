import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import Role
from cultivation.models import TierPlacement
from policies.models import NoticeRead
from policies.selectors import notice_get, notice_list
from policies.services import notice_mark_read, notice_publish
from tests.policies.factories import NoticeFactory


def firm_user(make_user, firm):
    return make_user(Role.ENTERPRISE, enterprise=firm)


def titles(user) -> set[str]:
    return set(notice_list(user=user).values_list("title", flat=True))


def test_notice_for_one_county_is_not_shown_to_firms_elsewhere(client, make_user, matched):
    NoticeFactory(title="新华区通知", county=matched["xinhua"])
    NoticeFactory(title="全市通知")
    home_user = firm_user(make_user, matched["home"][1])
    away_user = firm_user(make_user, matched["away"][1])
    assert titles(home_user) == {"新华区通知", "全市通知"}
    assert titles(away_user) == {"全市通知"}

    client.force_login(away_user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert "全市通知" in html and "新华区通知" not in html
    county_notice = NoticeFactory._meta.model.objects.get(title="新华区通知")
    assert client.get(reverse("policies:notice", args=[county_notice.pk])).status_code == 404
    assert client.get(f"/api/v1/notices/{county_notice.pk}/").status_code == 404
    assert [row["title"] for row in client.get("/api/v1/notices/").json()["results"]] == ["全市通知"]


def test_notice_for_a_tier_reaches_only_firms_placed_in_it(make_user, matched):
    firm = matched["home"][2]
    tier = TierPlacement.objects.get(enterprise=firm).tier
    other = next(f for f in matched["all"] if TierPlacement.objects.get(enterprise=f).tier != tier)
    NoticeFactory(title="梯次通知", tier=tier)
    assert titles(firm_user(make_user, firm)) == {"梯次通知"}
    assert titles(firm_user(make_user, other)) == set()


def test_notice_for_a_policy_reaches_matched_firms_and_near_misses_only_if_asked(make_user, matched):
    policy = matched["policy"]
    NoticeFactory(title="符合者", policy=policy)
    NoticeFactory(title="含接近者", policy=policy, include_nearly=True)
    meets, nearly = matched["away"][0], matched["home"][1]
    assert titles(firm_user(make_user, meets)) == {"符合者", "含接近者"}
    assert titles(firm_user(make_user, nearly)) == {"含接近者"}


def test_notices_unread_first_and_opening_marks_read(client, make_user, matched):
    user = firm_user(make_user, matched["home"][1])
    first = NoticeFactory(title="旧通知")
    NoticeFactory(title="新通知")
    notice_mark_read(notice=notice_get(user=user, pk=first.pk), user=user)
    notice_mark_read(notice=notice_get(user=user, pk=first.pk), user=user)  # once only
    assert NoticeRead.objects.filter(user=user).count() == 1
    assert [(n.title, n.is_read) for n in notice_list(user=user)] == [("新通知", False), ("旧通知", True)]

    client.force_login(user)
    newer = NoticeFactory._meta.model.objects.get(title="新通知")
    assert client.get(reverse("policies:notice", args=[newer.pk])).status_code == 200
    assert all(n.is_read for n in notice_list(user=user))


def test_county_staff_publish_only_to_their_county_and_see_only_theirs(make_user, matched):
    xinhua_staff = make_user(Role.COUNTY_STAFF, county_code="410402")
    with pytest.raises(ValidationError, match="own county"):
        notice_publish(actor=xinhua_staff, data={"title": "t", "body": "b", "county": matched["ruzhou"]})
    with pytest.raises(ValidationError, match="own county"):
        notice_publish(actor=xinhua_staff, data={"title": "t", "body": "b"})
    notice_publish(actor=xinhua_staff, data={"title": "区通知", "body": "b", "county": matched["xinhua"]})
    ruzhou_notice = NoticeFactory(title="汝州通知", county=matched["ruzhou"])
    assert titles(xinhua_staff) == {"区通知"}
    with pytest.raises(Http404):
        notice_get(user=xinhua_staff, pk=ruzhou_notice.pk)


def test_enterprise_users_cannot_publish(make_user, matched):
    with pytest.raises(PermissionDenied):
        notice_publish(actor=firm_user(make_user, matched["home"][0]), data={"title": "t", "body": "b"})
