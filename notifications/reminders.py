"""Reminder kinds: notifications that also go out by the channels each user chose (e-mail, SMS), not only the bell.

A lower app cannot know every reminder, so kinds are registered, not listed here: the app that knows the condition
defines a `ReminderKind` and registers it in its `AppConfig.ready` with `register_reminder_kinds`:

- a kind with a `finder` is looked for every morning (task `notifications.send_reminders`, beat at REMINDERS_HOUR):
  the finder returns the day's `Occurrence`s and `reminders_send` sends each once (a `ReminderSent` row per kind,
  recipient and occurrence key, backed by unique constraints), however often it runs;
- a kind without a finder is sent where it happens, by the app's own write (a returned voucher claim: its
  notification carries the kind).

Registered today: `voucher_claim_returned` (vouchers), `certificate_expiring` and `sme_registration_window`
(cultivation), `report_window_opening`, `report_window_closing` and `report_returned` (reports)."""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from notifications.models import Notification, ReminderSent
from notifications.services import NotificationDraft, notifications_create

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Occurrence:
    """One reminder due: to a firm or to a user, once per `key` (a certificate's end date, a year's window)."""

    key: str
    text: str
    params: dict = field(default_factory=dict)
    link: str = ""
    enterprise_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class ReminderKind:
    key: str
    label: str
    finder: Callable[[datetime.date], Iterable[Occurrence]] | None = None


_KINDS: dict[str, ReminderKind] = {}


def register_reminder_kinds(*kinds: ReminderKind) -> None:
    for kind in kinds:
        _KINDS[kind.key] = kind


def reminder_kinds() -> list[ReminderKind]:
    return list(_KINDS.values())


def is_reminder(kind: str) -> bool:
    return bool(kind) and kind in _KINDS


def reminders_send(*, kind: str, occurrences: Iterable[Occurrence]) -> list[Notification]:
    """Notify each occurrence not sent before (in one transaction); returns the notifications written."""
    if kind not in _KINDS:
        raise LookupError(f"No reminder kind {kind!r} is registered")
    occurrences = list(occurrences)
    if not occurrences:
        return []
    with transaction.atomic():
        sent = set(
            ReminderSent.objects.filter(kind=kind, occurrence__in={o.key for o in occurrences}).values_list(
                "enterprise_id", "user_id", "occurrence"
            )
        )
        fresh = []
        for occurrence in occurrences:
            mark = (occurrence.enterprise_id, occurrence.user_id, occurrence.key)
            if mark not in sent:
                sent.add(mark)
                fresh.append(occurrence)
        notifications = notifications_create(
            drafts=[
                NotificationDraft(
                    kind=kind, text=o.text, params=o.params, link=o.link, enterprise_id=o.enterprise_id,
                    user_id=o.user_id,
                )
                for o in fresh
            ]
        )  # fmt: skip
        ReminderSent.objects.bulk_create(
            ReminderSent(kind=kind, enterprise_id=o.enterprise_id, user_id=o.user_id, occurrence=o.key, notification=n)
            for o, n in zip(fresh, notifications, strict=True)
        )
    return notifications


def reminders_run(*, on: datetime.date) -> dict[str, int]:
    """The day's reminders of every kind with a finder, each kind on its own (one failing does not stop the others);
    returns how many were sent by kind."""
    counts = {}
    for kind in reminder_kinds():
        if kind.finder is None:
            continue
        try:
            counts[kind.key] = len(reminders_send(kind=kind.key, occurrences=kind.finder(on)))
        except Exception:
            logger.exception("Looking for the reminders of kind %s on %s failed", kind.key, on)
    return counts
