"""What several demo seeders share: the demo accounts' password, people's names, the day the portal went live,
office-hour timestamps and the county reviewers who acted in the demo's past. Imports no other demo module."""

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Role, User
from enterprises.models import County

DEMO_PASSWORD = "portal-demo-2026"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

# County reviewers for the counties without a county user among the demo's (新华区 has `xinhua`, 汝州市 `ruzhou`):
# the claims and campaign entries of the past were reviewed by someone of the county. They cannot sign in (no
# password); a county not listed here gets `county_<code>`.
COUNTY_REVIEWERS = {
    "410403": "weidong",
    "410404": "shilong",
    "410411": "zhanhe",
    "410421": "baofeng",
    "410422": "yexian",
    "410423": "lushan",
    "410425": "jiaxian",
    "410471": "gaoxin",
    "410472": "chengxiang",
    "410481": "wugang",
}


def launch_day(as_of: datetime.date) -> datetime.date:
    """The day the portal went live and first placed every firm: 1 December of the year before last, so that last
    year's campaign and voucher policy (opened that December) ran in it, and twelve months of moves are all there."""
    return datetime.date(as_of.year - 2, 12, 1)


def office_times(rng, days, *, first_hour: int = 9, last_hour: int = 17) -> list[datetime.datetime]:
    """Aware datetimes on `days` (dates, or datetimes such as pandas Timestamps, whose date is taken), each at a
    random minute of office hours in the portal's time zone."""
    days = [day.date() if isinstance(day, datetime.datetime) else day for day in days]
    minutes = rng.integers(first_hour * 60, last_hour * 60, len(days)).tolist()
    zone = timezone.get_current_timezone()
    return [
        datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=zone)
        for day, minute in zip(days, minutes, strict=True)
    ]


def aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def reviewer_username(county: County) -> str:
    return COUNTY_REVIEWERS.get(county.code, f"county_{county.code}")


def reviewers() -> dict:
    """{"admin", "city", county pk: county staff user}: the demo's reviewers, and a reviewer for each county without
    a county user (created here, without a password). Empty without the demo's admin and city accounts."""
    users = {user.username: user for user in User.objects.filter(username__in=["admin", "city"])}
    if len(users) < 2:
        return {}
    staff = {}
    for user in User.objects.filter(role=Role.COUNTY_STAFF).order_by("pk"):
        staff.setdefault(user.county_id, user)
    missing = [county for county in County.objects.order_by("code") if county.pk not in staff]
    unusable = make_password(None)
    created = User.objects.bulk_create(
        User(username=reviewer_username(county), first_name=f"{county.name}科技局", role=Role.COUNTY_STAFF,
             county=county, password=unusable)
        for county in missing
    )  # fmt: skip
    if created and created[0].pk is None:
        created = list(User.objects.filter(username__in=[user.username for user in created]))
    staff.update({user.county_id: user for user in created})
    return {"admin": users["admin"], "city": users["city"], **staff}


def reviewer_usernames() -> list[str]:
    """The usernames `reviewers` may create (the demo reset deletes them)."""
    return [reviewer_username(county) for county in County.objects.all()]
