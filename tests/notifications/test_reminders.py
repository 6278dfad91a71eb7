"""Reminder kinds found each morning, each sent once per occurrence however often the look runs."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role
from enterprises.models import QualificationKind
from notifications.models import Notification, ReminderSent
from notifications.reminders import Occurrence, reminder_kinds, reminders_run, reminders_send
from notifications.tasks import send_reminders
from tests import factories

TODAY = datetime.date(2026, 6, 1)


def high_tech(firm, ends, starts=None):
    return factories.QualificationFactory(
        enterprise=firm, kind=QualificationKind.HIGH_TECH, valid_from=starts or ends - datetime.timedelta(days=1095),
        valid_to=ends,
    )  # fmt: skip


def test_kinds_are_registered_by_their_apps():
    assert {"voucher_claim_returned", "certificate_expiring", "sme_registration_window"} <= {
        kind.key for kind in reminder_kinds()
    }


def test_a_certificate_ending_within_90_days_is_reminded_once(db):
    ending, later, renewed = factories.EnterpriseFactory.create_batch(3)
    high_tech(ending, TODAY + datetime.timedelta(days=90))
    high_tech(later, TODAY + datetime.timedelta(days=91))
    high_tech(renewed, TODAY + datetime.timedelta(days=30))
    high_tech(renewed, TODAY + datetime.timedelta(days=30 + 1095), starts=TODAY + datetime.timedelta(days=31))
    assert reminders_run(on=TODAY)["certificate_expiring"] == 1
    (notification,) = Notification.objects.filter(kind="certificate_expiring")
    assert notification.recipient_enterprise == ending
    assert notification.params == {"date": "2026-08-30", "days": 90}
    # The next morning finds it again and sends nothing more for it; the later one has come within 90 days.
    assert reminders_run(on=TODAY + datetime.timedelta(days=1))["certificate_expiring"] == 1
    assert reminders_run(on=TODAY + datetime.timedelta(days=2))["certificate_expiring"] == 0
    reminded = Notification.objects.filter(kind="certificate_expiring").values_list("recipient_enterprise", flat=True)
    assert sorted(reminded) == sorted([ending.pk, later.pk])


def test_the_sme_window_reminds_lapsed_firms_when_it_opens_and_before_it_closes(db, settings):
    settings.REMINDER_SME_WINDOW_OPENS, settings.REMINDER_SME_WINDOW_CLOSES = "03-01", "10-31"
    settings.REMINDER_SME_CLOSING_DAYS = 14
    lapsed, renewed = factories.EnterpriseFactory.create_batch(2)
    for firm in (lapsed, renewed):
        factories.QualificationFactory(
            enterprise=firm, valid_from=datetime.date(2025, 4, 1), valid_to=datetime.date(2025, 12, 31)
        )
    factories.QualificationFactory(
        enterprise=renewed, valid_from=datetime.date(2026, 3, 10), valid_to=datetime.date(2026, 12, 31)
    )

    def sent_on(day):
        return reminders_run(on=day)["sme_registration_window"]

    assert sent_on(datetime.date(2026, 2, 28)) == 0
    assert sent_on(datetime.date(2026, 3, 1)) == 1
    assert sent_on(datetime.date(2026, 3, 2)) == 0
    assert sent_on(datetime.date(2026, 10, 17)) == 1
    assert sent_on(datetime.date(2026, 10, 31)) == 0
    assert sent_on(datetime.date(2026, 11, 1)) == 0
    rows = ReminderSent.objects.filter(kind="sme_registration_window").order_by("occurrence")
    assert [(row.enterprise_id, row.occurrence) for row in rows] == [
        (lapsed.pk, "2026:closing"), (lapsed.pk, "2026:open")
    ]  # fmt: skip


def test_a_reminder_to_a_user_is_sent_once_and_an_unknown_kind_refused(make_user):
    user = make_user(Role.CITY_STAFF)
    occurrence = Occurrence(key="2026:open", text="The report window is open.", user_id=user.pk)
    assert len(reminders_send(kind="certificate_expiring", occurrences=[occurrence, occurrence])) == 1
    assert reminders_send(kind="certificate_expiring", occurrences=[occurrence]) == []
    with pytest.raises(LookupError):
        reminders_send(kind="yearly_report_window", occurrences=[occurrence])


def test_the_morning_task_runs_the_kinds(db):
    firm = factories.EnterpriseFactory()
    high_tech(firm, timezone.localdate() + datetime.timedelta(days=10))
    assert send_reminders.delay().get()["certificate_expiring"] == 1


def test_the_command_sends_a_days_reminders_once(db):
    high_tech(factories.EnterpriseFactory(), TODAY + datetime.timedelta(days=5))
    out = StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "certificate_expiring: 1" in out.getvalue()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "certificate_expiring: 0" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "1 June")
