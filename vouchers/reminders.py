"""The vouchers' reminder kinds (notifications.reminders), registered in VouchersConfig.ready: a claim returned for
changes reaches the firm's users by the channels they chose, not only the bell. Sent by claim_transition itself
(its notification carries the kind: vouchers.workflows.REMINDER_KINDS), so it needs no finder."""

from django.utils.translation import gettext_lazy as _

from notifications.reminders import ReminderKind

CLAIM_RETURNED = ReminderKind(key="voucher_claim_returned", label=_("A voucher claim returned for changes"))

VOUCHER_REMINDER_KINDS = (CLAIM_RETURNED,)
