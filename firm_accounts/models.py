"""Enterprise accounts: a firm's online request for an account, reviewed by staff against the registry
(firm_accounts.requests), accounts created in bulk (firm_accounts.bulk) and new one-time passwords
(firm_accounts.passwords). The user accounts themselves are accounts.User."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import AppendOnlyModel, TransitionEvent
from enterprises.credit_codes import DB_PATTERN


class AccountRequestState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", pgettext_lazy("account request state", "Approved")
    REFUSED = "refused", _("Refused")


class AccountRequest(models.Model):
    """A firm asking for an enterprise account, sent from the public request page without logging in."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    # The registry firm with this credit code, joined on the code rather than stored: a request may name a firm
    # the registry does not hold (yet), and scoping by county follows the registry as it is now.
    enterprise = models.ForeignObject(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        from_fields=["credit_code"],
        to_fields=["credit_code"],
        null=True,
        related_name="account_requests",
        verbose_name=_("registry firm"),
    )
    firm_name = models.CharField(_("firm name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AccountRequestState.choices, default=AccountRequestState.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="account_requests",
        verbose_name=_("account created"),
    )  # fmt: skip

    class Meta:
        db_table = "accounts_accountrequest"  # created by the accounts app, which held these models first
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")
        indexes = [models.Index(fields=["state", "submitted_at"], name="accountrequest_state_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=DB_PATTERN), name="accountrequest_credit_code"),
            models.CheckConstraint(condition=Q(state__in=AccountRequestState.values), name="accountrequest_state"),
            # One open request per firm: a second one would only double the reviewers' work.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(state=AccountRequestState.PENDING),
                name="accountrequest_one_pending_per_firm",
            ),
            models.CheckConstraint(
                condition=Q(state=AccountRequestState.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(state=AccountRequestState.PENDING) & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="accountrequest_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(state=AccountRequestState.REFUSED) | ~Q(refusal_reason=""),
                name="accountrequest_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state=AccountRequestState.APPROVED, user__isnull=False)
                | (~Q(state=AccountRequestState.APPROVED) & Q(user__isnull=True)),
                name="accountrequest_approval_has_user",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.firm_name}"


class AccountRequestEvent(TransitionEvent):
    """The audit of account requests: the submission (no actor) and the decision."""

    subject_field = "request"

    request = models.ForeignKey(AccountRequest, models.CASCADE, related_name="events", verbose_name=_("request"))
    from_state, to_state = TransitionEvent.state_fields(AccountRequestState)

    class Meta(TransitionEvent.Meta):
        db_table = "accounts_accountrequestevent"  # created by the accounts app, which held these models first
        verbose_name = _("account request event")
        verbose_name_plural = _("account request events")


class AccountBatch(AppendOnlyModel):
    """Accounts created in bulk by staff: who, when and which firm got which username (never a password)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    account_count = models.PositiveIntegerField(_("accounts"))
    # [{"credit_code", "username", "user"}], in the order of the staff member's list.
    accounts = models.JSONField(_("accounts created"), default=list)

    class Meta:
        db_table = "accounts_accountbatch"  # created by the accounts app, which held these models first
        ordering = ["-created_at", "-id"]
        verbose_name = _("account batch")
        verbose_name_plural = _("account batches")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.account_count}"


class OneTimePasswordIssue(AppendOnlyModel):
    """A new one-time password given to an existing enterprise account by staff (the first handout was lost, the
    contact person changed): who, for which account, when and why. Never the password itself."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        db_table = "accounts_onetimepasswordissue"  # created by the accounts app, which held these models first
        ordering = ["-issued_at", "-id"]
        verbose_name = _("one-time password issued")
        verbose_name_plural = _("one-time passwords issued")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="one_time_password_issue_has_reason")]

    def __str__(self):
        return f"{self.account_id} · {self.issued_at:%Y-%m-%d %H:%M}"
