"""Cultivation's reminder kinds (notifications.reminders), registered in CultivationConfig.ready and looked for
every morning: a high-tech certificate about to end, and the tech-based SME registration window of the year for
firms registered last year and not yet this year. Each occurrence is sent once (its key: the certificate's end
date; the year and the window's moment)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from enterprises.models import Qualification, QualificationKind
from notifications.reminders import Occurrence, ReminderKind
from scoring.selectors import ruleset_in_force


def certificate_expiring(on: datetime.date) -> list[Occurrence]:
    """A valid high-tech certificate ending within the high-severity number of days of the certificate warning
    (rulesets: WarningRules.certificate_expiring_high_days, one number for both), unless a later one follows it."""
    days = ruleset_in_force().warnings.certificate_expiring_high_days
    renewed = Qualification.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), kind=QualificationKind.HIGH_TECH, valid_to__gt=OuterRef("valid_to")
    )
    ending = (
        Qualification.objects.filter(
            kind=QualificationKind.HIGH_TECH,
            valid_from__lte=on,
            valid_to__gte=on,
            valid_to__lte=on + datetime.timedelta(days=days),
        )
        .exclude(Exists(renewed))
        .order_by("enterprise_id", "valid_to")
        .values_list("enterprise_id", "valid_to")
    )
    return [
        Occurrence(
            key=f"high_tech:{valid_to.isoformat()}",
            text=gettext_noop(
                "Your high-tech enterprise certificate ends on %(date)s, in %(days)s days: prepare its renewal."
            ),
            params={"date": valid_to.isoformat(), "days": (valid_to - on).days},
            enterprise_id=firm,
        )
        for firm, valid_to in ending
    ]


def _window_day(year: int, month_day: str, setting: str) -> datetime.date:
    try:
        month, day = (int(part) for part in month_day.split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{setting} must be a month and day as MM-DD, not {month_day!r}") from None


def sme_window(year: int) -> tuple[datetime.date, datetime.date]:
    """The tech-based SME registration window of `year` (settings REMINDER_SME_WINDOW_OPENS and _CLOSES)."""
    return (
        _window_day(year, settings.REMINDER_SME_WINDOW_OPENS, "REMINDER_SME_WINDOW_OPENS"),
        _window_day(year, settings.REMINDER_SME_WINDOW_CLOSES, "REMINDER_SME_WINDOW_CLOSES"),
    )


def sme_registration_window(on: datetime.date) -> list[Occurrence]:
    """While the year's registration window is open: firms registered as tech-based SMEs last year and not yet this
    year (a registration number is valid for its year only, DESIGN §3.1). One reminder when it opens; one more in
    its last REMINDER_SME_CLOSING_DAYS days (only that one when the first days were missed)."""
    opens, closes = sme_window(on.year)
    if not opens <= on <= closes:
        return []
    closing = on >= closes - datetime.timedelta(days=settings.REMINDER_SME_CLOSING_DAYS)
    this_year = Qualification.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        kind=QualificationKind.TECH_SME,
        valid_to__gte=datetime.date(on.year, 1, 1),
    )
    lapsed = (
        Qualification.objects.filter(
            kind=QualificationKind.TECH_SME,
            valid_from__lte=datetime.date(on.year - 1, 12, 31),
            valid_to__gte=datetime.date(on.year - 1, 1, 1),
        )
        .exclude(Exists(this_year))
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
        .distinct()
    )
    if closing:
        text = gettext_noop(
            "The tech-based SME registration of %(year)s closes on %(date)s and your firm has not registered yet."
        )
    else:
        text = gettext_noop(
            "The tech-based SME registration of %(year)s is open until %(date)s: last year's registration is valid "
            "for last year only."
        )
    moment = "closing" if closing else "open"
    return [
        Occurrence(
            key=f"{on.year}:{moment}",
            text=text,
            params={"year": on.year, "date": closes.isoformat()},
            enterprise_id=firm,
        )
        for firm in lapsed
    ]


CERTIFICATE_EXPIRING = ReminderKind(
    key="certificate_expiring", label=_("High-tech certificate about to end"), finder=certificate_expiring
)
SME_REGISTRATION_WINDOW = ReminderKind(
    key="sme_registration_window", label=_("Tech-based SME registration window"), finder=sme_registration_window
)

CULTIVATION_REMINDER_KINDS = (CERTIFICATE_EXPIRING, SME_REGISTRATION_WINDOW)
