from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionEvent
from enterprises.credit_codes import DB_PATTERN


class ProviderKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    TESTING_BODY = "testing_body", _("Testing body")
    OTHER = "other", _("Other service provider")


class ProviderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Provider(models.Model):
    """A university, research institute or testing body firms buy results or services from.

    Result-transfer voucher claims must name a registered provider; officers match firms' demands to providers
    by field.
    """

    Kind = ProviderKind
    Status = ProviderStatus

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ProviderStatus.choices, default=ProviderStatus.ACTIVE)
    # Values of enterprises.models.HighTechField; a list rather than a join table because it is only ever
    # read whole and filtered in Python or with JSON containment.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=DB_PATTERN), name="provider_credit_code_format"),
            models.CheckConstraint(condition=Q(kind__in=ProviderKind.values), name="provider_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ProviderStatus.values), name="provider_status_known"),
        ]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------------------------
# Policy per year

MONEY = {"max_digits": 14, "decimal_places": 2}


class VoucherPolicy(models.Model):
    """The city's voucher policy of one year. Defaults come from the rule set (rulesets.VoucherRules)
    and are copied in when the year is opened; the city administrator edits them here."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # QualificationKind values; a firm holding one of them valid on any day of the year is eligible. Empty: all.
    eligible_qualifications = models.JSONField(_("eligible qualifications"), default=list, blank=True)
    annual_cap = models.DecimalField(_("cap per enterprise per year"), **MONEY)
    city_budget = models.DecimalField(
        _("city budget"), **MONEY, null=True, blank=True, help_text=_("Empty: no total budget for the year.")
    )
    claims_open_on = models.DateField(_("claims open on"))
    claims_close_on = models.DateField(_("claims close on"))
    # DocumentKind values a claim must carry before it can be submitted.
    required_documents = models.JSONField(_("documents required to submit"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("voucher policy")
        verbose_name_plural = _("voucher policies")
        constraints = [
            models.CheckConstraint(condition=Q(annual_cap__gt=0), name="voucher_policy_cap_positive"),
            models.CheckConstraint(
                condition=Q(city_budget__isnull=True) | Q(city_budget__gt=0), name="voucher_policy_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(claims_close_on__gte=F("claims_open_on")), name="voucher_policy_window_ordered"
            ),
        ]

    def __str__(self):
        return str(_("Voucher policy %(year)s") % {"year": self.year})

    def window_open_on(self, day) -> bool:
        return self.claims_open_on <= day <= self.claims_close_on


class VoucherKind(models.Model):
    """A kind of eligible expense in a year's policy, with its subsidy ratio."""

    policy = models.ForeignKey(VoucherPolicy, on_delete=models.CASCADE, related_name="kinds", verbose_name=_("policy"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    subsidy_ratio = models.DecimalField(
        _("subsidy ratio"),
        max_digits=5,
        decimal_places=4,
        help_text=_("A fraction: 0.3 stands for 30 percent of the expense."),
    )
    requires_provider = models.BooleanField(
        _("must name a registered provider"), default=False,
        help_text=_("Result transfers from universities and institutes name a provider of the registry."),
    )  # fmt: skip
    active = models.BooleanField(_("open for new claims"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["policy_id", "position", "id"]
        verbose_name = _("voucher kind")
        verbose_name_plural = _("voucher kinds")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="voucher_kind_code_unique_per_policy"),
            models.CheckConstraint(
                condition=Q(subsidy_ratio__gt=0, subsidy_ratio__lte=1), name="voucher_kind_ratio_in_range"
            ),
        ]

    def __str__(self):
        return self.name


class VoucherQuota(models.Model):
    """What a firm has committed against its cap in a year: the row every submission and give-back locks.

    `committed` is the sum of the subsidies of its claims under review, approved or paid; the check constraint
    is the backstop of the locked read-then-write in vouchers.workflows.claim_transition."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="voucher_quotas", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cap = models.DecimalField(_("cap"), **MONEY)
    committed = models.DecimalField(_("committed"), **MONEY, default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year", "enterprise_id"]
        verbose_name = _("voucher quota")
        verbose_name_plural = _("voucher quotas")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="voucher_quota_one_per_firm_year"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="voucher_quota_committed_non_negative"),
            models.CheckConstraint(condition=Q(committed__lte=F("cap")), name="voucher_quota_within_cap"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}: {self.committed} / {self.cap}"

    @property
    def remaining(self):
        return self.cap - self.committed


class VoucherBudget(models.Model):
    """The city's total budget of a year and what city approvals have committed against it (locked like quotas)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total = models.DecimalField(_("total"), **MONEY)
    committed = models.DecimalField(_("committed"), **MONEY, default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("voucher budget")
        verbose_name_plural = _("voucher budgets")
        constraints = [
            models.CheckConstraint(condition=Q(committed__gte=0), name="voucher_budget_committed_non_negative"),
            models.CheckConstraint(condition=Q(committed__lte=F("total")), name="voucher_budget_within_total"),
        ]

    def __str__(self):
        return f"{self.year}: {self.committed} / {self.total}"

    @property
    def remaining(self):
        return self.total - self.committed


# ---------------------------------------------------------------------------------------------------------------
# Claims


class ClaimStatus(models.TextChoices):
    """Internal labels, for staff. Enterprises read PUBLIC_STATUS_LABELS."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting county review")
    COUNTY_APPROVED = "county_approved", _("County approved, awaiting city review")
    CITY_APPROVED = "city_approved", _("City approved, awaiting public notice")
    PUBLICITY = "publicity", _("In public notice")
    PAID = "paid", _("Paid")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What the firm is told: it does not need the reviewers' internal steps, and "rejected" is put more gently.
PUBLIC_STATUS_LABELS = {
    ClaimStatus.DRAFT: pgettext_lazy("voucher claim, as the firm reads it", "Draft"),
    ClaimStatus.SUBMITTED: pgettext_lazy("voucher claim, as the firm reads it", "Under county review"),
    ClaimStatus.COUNTY_APPROVED: pgettext_lazy("voucher claim, as the firm reads it", "Under city review"),
    ClaimStatus.CITY_APPROVED: pgettext_lazy("voucher claim, as the firm reads it", "Approved"),
    ClaimStatus.PUBLICITY: pgettext_lazy("voucher claim, as the firm reads it", "Approved, in public notice"),
    ClaimStatus.PAID: pgettext_lazy("voucher claim, as the firm reads it", "Paid"),
    ClaimStatus.RETURNED: pgettext_lazy("voucher claim, as the firm reads it", "Returned for changes"),
    ClaimStatus.REJECTED: pgettext_lazy("voucher claim, as the firm reads it", "Not approved"),
    ClaimStatus.WITHDRAWN: pgettext_lazy("voucher claim, as the firm reads it", "Withdrawn"),
}

# Claims whose subsidy counts against the firm's yearly cap, and against the city budget.
QUOTA_HOLDING = frozenset(
    {ClaimStatus.SUBMITTED, ClaimStatus.COUNTY_APPROVED, ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY,
     ClaimStatus.PAID}
)  # fmt: skip
BUDGET_HOLDING = frozenset({ClaimStatus.CITY_APPROVED, ClaimStatus.PUBLICITY, ClaimStatus.PAID})
# The enterprise may change the claim and its documents only in these.
EDITABLE = frozenset({ClaimStatus.DRAFT, ClaimStatus.RETURNED})


class ClaimParty(models.TextChoices):
    """Who takes a step: the claim's own firm, county staff of the firm's county, or city staff."""

    ENTERPRISE = "enterprise", _("Enterprise")
    COUNTY = "county", _("County review")
    CITY = "city", _("City review")


class VoucherClaim(models.Model):
    """An enterprise's request for a subsidy against an eligible expense."""

    Status = ClaimStatus

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="voucher_claims", verbose_name=_("enterprise")
    )
    policy = models.ForeignKey(VoucherPolicy, on_delete=models.PROTECT, related_name="claims", verbose_name=_("policy"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.ForeignKey(VoucherKind, on_delete=models.PROTECT, related_name="claims", verbose_name=_("kind"))
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="claims",
        verbose_name=_("registered provider"),
    )  # fmt: skip
    supplier_name = models.CharField(_("supplier (if not in the registry)"), max_length=200, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=100, blank=True)
    contract_date = models.DateField(_("contract date"), null=True, blank=True)
    eligible_expense = models.DecimalField(_("eligible expense"), **MONEY, null=True, blank=True)
    subsidy_requested = models.DecimalField(_("subsidy requested"), **MONEY, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("last decision at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    last_comment = models.TextField(_("last comment"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voucher claim")
        verbose_name_plural = _("voucher claims")
        indexes = [
            models.Index(fields=["status", "year"], name="voucher_claim_status_year_idx"),
            models.Index(fields=["enterprise", "year"], name="voucher_claim_firm_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="voucher_claim_status_known"),
            models.CheckConstraint(
                condition=Q(eligible_expense__isnull=True) | Q(eligible_expense__gt=0),
                name="voucher_claim_expense_positive",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_requested__isnull=True) | Q(subsidy_requested__gt=0),
                name="voucher_claim_subsidy_positive",
            ),
            # A claim counted against the cap always has its amounts.
            models.CheckConstraint(
                condition=~Q(status__in=sorted(QUOTA_HOLDING))
                | Q(subsidy_requested__isnull=False, eligible_expense__isnull=False),
                name="voucher_claim_holding_has_amounts",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"CX{self.year}-{self.pk:06d}" if self.pk else ""

    @property
    def public_status(self):
        return PUBLIC_STATUS_LABELS[ClaimStatus(self.status)]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    INVOICE = "invoice", _("Invoice")
    PAYMENT_PROOF = "payment_proof", _("Payment proof")
    ACCEPTANCE_REPORT = "acceptance_report", _("Acceptance report")
    OTHER = "other", _("Other")


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _document_path(document, file_name):
    return f"vouchers/{document.claim.year}/{document.claim_id}/{file_name}"


class ClaimDocument(models.Model):
    """A file of a claim, checked by content (PDF, JPEG or PNG) and kept in the private storage."""

    Kind = DocumentKind

    claim = models.ForeignKey(VoucherClaim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("claim"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True, db_index=True)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "kind", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="claim_document_kind_known"),
            models.CheckConstraint(
                condition=~Q(kind=DocumentKind.INVOICE) | ~Q(invoice_number=""),
                name="claim_document_invoice_has_number",
            ),
        ]

    def __str__(self):
        return self.original_name


class ClaimEvent(TransitionEvent):
    """One step of a claim (created, submitted, reviewed…): who, when, from, to, why (`note`, the comment the firm
    reads). Never changed."""

    subject_field = "claim"

    claim = models.ForeignKey(VoucherClaim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim"))
    from_state, to_state = TransitionEvent.state_fields(ClaimStatus)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
