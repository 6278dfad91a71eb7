from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TransitionEvent
from enterprises.credit_codes import DB_PATTERN

MONEY = {"max_digits": 16, "decimal_places": 2, "default": 0}
# Yearly figures before the People's Republic's statistics are not plausible; later years are bounded by today.
INDICATOR_YEAR_MIN = 1949
INDICATOR_YEAR_MAX = 2100


class County(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        CITY = "city", _("County-level city")
        ZONE = "zone", _("Functional zone")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class HighTechField(models.TextChoices):
    """The eight fields supported for high-tech certification (国家重点支持的高新技术领域)."""

    ELECTRONIC_INFORMATION = "electronic_information", _("Electronic information")
    BIO_MEDICINE = "bio_medicine", _("Biology and new medicine")
    AEROSPACE = "aerospace", _("Aviation and aerospace")
    NEW_MATERIALS = "new_materials", _("New materials")
    HIGH_TECH_SERVICES = "high_tech_services", _("High-tech services")
    NEW_ENERGY = "new_energy", _("New energy and energy saving")
    RESOURCES_ENVIRONMENT = "resources_environment", _("Resources and environment")
    ADVANCED_MANUFACTURING = "advanced_manufacturing", _("Advanced manufacturing and automation")


class RegistrationStatus(models.TextChoices):
    """The firm's status in the market-regulation register (市场监管 登记状态)."""

    ACTIVE = "active", _("In business")  # 存续、在业、开业、在营
    MOVED_OUT = "moved_out", _("Moved out of the city")  # 迁出
    REVOKED = "revoked", _("Licence revoked")  # 吊销
    DEREGISTERED = "deregistered", _("Deregistered")  # 注销


# A firm in one of these statuses is no longer the city's to cultivate: it leaves the pool at the next placement.
LEFT_POOL_STATUSES = (RegistrationStatus.MOVED_OUT, RegistrationStatus.REVOKED, RegistrationStatus.DEREGISTERED)
# Closed for good (吊销/注销), as opposed to moved away.
CLOSED_STATUSES = (RegistrationStatus.REVOKED, RegistrationStatus.DEREGISTERED)


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    credit_code_checked = models.BooleanField(
        _("credit code passes the check"),
        default=True,
        help_text=_("Untick only to accept, explicitly, an early pilot code whose check character fails."),
    )
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("county"))
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=5, blank=True)
    industry_name = models.CharField(_("industry"), max_length=100, blank=True)
    high_tech_field = models.CharField(_("high-tech field"), max_length=30, choices=HighTechField.choices, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Defaults in the database too: the import's COPY names only the columns it writes.
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True, db_default="")
    registered_capital = models.DecimalField(
        _("registered capital (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    registration_status = models.CharField(
        _("registration status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.ACTIVE,
        db_default=RegistrationStatus.ACTIVE,
    )
    # The day of the register's extract that gave the status (empty: never matched to the register).
    status_as_of = models.DateField(_("status as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["county", "name"], name="enterprise_county_name_idx"),
            models.Index(fields=["name"], name="enterprise_name_idx"),
            models.Index(fields=["industry_code"], name="enterprise_industry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=DB_PATTERN), name="enterprise_credit_code_format"),
        ]

    def __str__(self):
        return self.name


# Every yearly figure, in the order staff read them; all are counts or amounts that cannot be negative.
INDICATOR_FIELDS = (
    "employees",
    "st_personnel",
    "revenue",
    "main_business_revenue",
    "total_costs",
    "rd_expense",
    "rd_expense_domestic",
    "high_tech_revenue",
    "total_assets",
    "total_liabilities",
    "invention_patents",
    "other_class1_ip",
    "utility_models",
    "designs",
    "software_copyrights",
    "results_converted",
)


class AnnualIndicator(models.Model):
    """One firm's yearly figures. Money is yuan; imports in 万元 are converted before they get here."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.IntegerField(_("employees"), default=0)
    st_personnel = models.IntegerField(_("S&T personnel"), default=0)
    revenue = models.DecimalField(_("revenue"), **MONEY)
    main_business_revenue = models.DecimalField(_("main-business revenue"), **MONEY)
    total_costs = models.DecimalField(_("total costs and expenses"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense"), **MONEY)
    rd_expense_domestic = models.DecimalField(_("R&D expense inside China"), **MONEY)
    high_tech_revenue = models.DecimalField(_("high-tech product revenue"), **MONEY)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    total_liabilities = models.DecimalField(_("total liabilities"), **MONEY)
    invention_patents = models.IntegerField(_("invention patents"), default=0)
    other_class1_ip = models.IntegerField(_("other Class I IP"), default=0)
    utility_models = models.IntegerField(_("utility models"), default=0)
    designs = models.IntegerField(_("designs"), default=0)
    software_copyrights = models.IntegerField(_("software copyrights"), default=0)
    results_converted = models.IntegerField(_("results converted"), default=0)

    class Meta:
        ordering = ["enterprise", "year"]
        verbose_name = _("annual indicators")
        verbose_name_plural = _("annual indicators")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="indicator_one_row_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=INDICATOR_YEAR_MIN, year__lte=INDICATOR_YEAR_MAX), name="indicator_year_plausible"
            ),
            models.CheckConstraint(condition=Q(st_personnel__lte=F("employees")), name="indicator_st_within_staff"),
            models.CheckConstraint(
                condition=Q(rd_expense_domestic__lte=F("rd_expense")), name="indicator_domestic_rd_within_rd"
            ),
            *[
                models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=f"indicator_{field}_non_negative")
                for field in INDICATOR_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class QualificationKind(models.TextChoices):
    TECH_SME = "tech_sme", _("Tech-based SME registration")
    HIGH_TECH = "high_tech", _("High-tech enterprise certificate")
    GAZELLE = "gazelle", _("Gazelle enterprise")
    SRDI_PROVINCIAL = "srdi_provincial", _("Provincial specialised and innovative SME")
    SRDI_NATIONAL = "srdi_national", _("National specialised and innovative 'little giant'")
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
    RD_PLATFORM = "rd_platform", _("Provincial R&D platform")


class Qualification(models.Model):
    """A dated status. Valid on day d when valid_from <= d <= valid_to."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="qualifications", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QualificationKind.choices)
    number = models.CharField(_("number"), max_length=50, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    # Where it came from: a department's list (which, which import, as of which day), a staff spreadsheet, an edit.
    source_kind = models.CharField(_("source"), max_length=16, blank=True, db_default="")
    source_list = models.CharField(_("list"), max_length=24, blank=True, db_default="")
    source_job = models.ForeignKey(
        "ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("import")
    )
    source_as_of = models.DateField(_("source as of"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "kind", "-valid_from"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        indexes = [models.Index(fields=["kind", "valid_to", "valid_from"], name="qualification_validity_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="qualification_dates_ordered"),
            models.UniqueConstraint(fields=["enterprise", "kind", "valid_from"], name="qualification_unique_per_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class AchievementKind(models.TextChoices):
    """Dated evidence the official direct routes and model parts count (rulesets: TechSmeScoring, InnovativeSmeModel,
    SrdiCriteria, SrdiModel). Which kind needs which of level, role, rank, amount and grade: ACHIEVEMENT_NEEDS."""

    STANDARD = "standard", _("Standard drafted")
    AWARD = "award", _("Science and technology award")
    EQUITY = "equity", _("Equity financing round")
    RD_INSTITUTION = "rd_institution", _("R&D institution")
    HONOUR = "honour", _("Innovation honour")
    QUALITY_AWARD = "quality_award", _("Quality award")
    QUALITY_CERTIFICATION = "quality_certification", _("Quality management certification")
    BRAND = "brand", _("Own brand")
    DIGITAL_LEVEL = "digital_level", _("Digitalisation level")
    MAKERS_CHINA = "makers_china", _("Makers China competition placing")


class AchievementLevel(models.TextChoices):
    """From the highest down (rulesets.LEVELS)."""

    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", _("National")
    INDUSTRY = "industry", _("Industry")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    LOCAL = "local", _("Below municipal")
    GROUP = "group", _("Group or association")


class AchievementRole(models.TextChoices):
    LED = "led", _("Led")
    PARTICIPATED = "participated", _("Took part")


# What each kind must carry beside its date (checked by the model's constraints and the import).
ACHIEVEMENT_NEEDS = {
    AchievementKind.STANDARD: ("level", "role"),
    AchievementKind.AWARD: ("level", "rank"),
    AchievementKind.EQUITY: ("amount",),
    AchievementKind.RD_INSTITUTION: ("level",),
    AchievementKind.HONOUR: (),
    AchievementKind.QUALITY_AWARD: ("level",),
    AchievementKind.QUALITY_CERTIFICATION: (),
    AchievementKind.BRAND: (),
    AchievementKind.DIGITAL_LEVEL: ("grade",),
    AchievementKind.MAKERS_CHINA: ("rank",),
}


class Achievement(models.Model):
    """One dated achievement of a firm: a standard it led or took part in, an award with its rank among the winning
    units, an equity round (the qualified investors' paid-in amount), an R&D institution with its level, an honour,
    a quality award or certification, a brand, a digitalisation level, a Makers China placing. Counts on day d when
    achieved_on <= d and (no valid_to or d <= valid_to); the "last N years" windows are the rules' (core.dates)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="achievements", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AchievementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=AchievementLevel.choices, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=AchievementRole.choices, blank=True)
    rank = models.PositiveIntegerField(_("rank among the units"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    achieved_on = models.DateField(_("achieved on"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "kind", "-achieved_on"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [models.Index(fields=["enterprise", "achieved_on"], name="achievement_firm_date_idx")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "title", "achieved_on"], name="achievement_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("achieved_on")),
                name="achievement_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="achievement_amount_ok"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="achievement_rank_ok"),
            models.CheckConstraint(
                condition=~Q(kind=AchievementKind.EQUITY) | Q(amount__isnull=False), name="achievement_equity_amount"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AchievementKind.DIGITAL_LEVEL) | Q(grade__isnull=False),
                name="achievement_digital_grade",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title} ({self.achieved_on})"


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _import_upload_path(job, file_name):
    from django.utils import timezone

    return f"imports/{timezone.now():%Y/%m}/{job.file_sha256[:16]}-{file_name}"


class ImportJob(models.Model):
    """One uploaded file and what became of it: the import log (who, when, which file, counts, outcome)."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("Enterprises with one year of indicators")
        QUALIFICATIONS = "qualifications", _("Qualifications")
        PATENTS = "patents", _("Patents and other IP (register)")
        ACHIEVEMENTS = "achievements", _("Achievements (standards, awards, financing, institutions)")
        # The departments' lists (the departments app): each read through its mapping profile.
        DEPT_REGISTRATION = "dept_registration", _("Market regulation: registration extract")
        DEPT_STATISTICS = "dept_statistics", _("Statistics: above-scale firms and R&D survey (107-1)")
        DEPT_TAX_RD = "dept_tax_rd", _("Tax: R&D super-deduction (A107012)")
        DEPT_TAX_HIGH_TECH = "dept_tax_high_tech", _("Tax: high-tech preference detail (A107041)")
        DEPT_TECH_SME = "dept_tech_sme", _("Science and technology: tech-based SME registrations")
        DEPT_HIGH_TECH = "dept_high_tech", _("Science and technology: high-tech certifications")
        DEPT_PATENTS = "dept_patents", _("Patent office: patents held")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to commit")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALIDATING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The uploader's county at upload time: county staff see their county's imports.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_import_upload_path, max_length=300)
    file_name = models.CharField(_("file name"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_size = models.PositiveBigIntegerField(_("size in bytes"))
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    sheet = models.CharField(_("sheet"), max_length=200, blank=True)
    accept_bad_check_characters = models.BooleanField(
        _("accept credit codes whose check character fails"), default=False
    )
    # A department's list: the day (or the end of the period) it describes, asked on upload.
    as_of = models.DateField(_("as of"), null=True, blank=True)

    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_firms = models.PositiveIntegerField(_("new firms"), default=0)
    new_rows = models.PositiveIntegerField(_("new rows"), default=0)
    updated_rows = models.PositiveIntegerField(_("updated rows"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("unchanged rows"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    extra_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    # Template columns the file carries: a column left out keeps the registry's values.
    columns_present = models.JSONField(default=list, blank=True)
    # The first issues, for the page; the full list is in the error report.
    issues_preview = models.JSONField(_("first issues"), default=list, blank=True)
    issues_file = models.FileField(storage=_private_storage, max_length=300, blank=True)
    clean_file = models.FileField(storage=_private_storage, max_length=300, blank=True)
    message = models.TextField(_("outcome"), blank=True)

    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committed by"),
    )
    # The last sign of life of the process working on it (queued, a stage of the check, the start of the commit):
    # a checking or committing import silent for IMPORT_STALL_AFTER_S, whose row no commit holds locked, has lost
    # its process and is marked failed by the sweep (enterprises.importing.services.import_jobs_sweep).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    check_ms = models.PositiveIntegerField(_("checking time (ms)"), null=True, blank=True)
    commit_ms = models.PositiveIntegerField(_("commit time (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("import log")
        indexes = [models.Index(fields=["county", "-created_at"], name="importjob_county_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="committed") | Q(error_count=0), name="importjob_committed_without_errors"
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)


class ImportJobEvent(TransitionEvent):
    """Every change of an import's status, by whom and when (`note`: a failure's reason)."""

    subject_field = "job"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="events")
    from_state, to_state = TransitionEvent.state_fields(ImportJob.Status)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("import event")
        verbose_name_plural = _("import events")


# Sources and provenance (README "Sources of each value"). The columns of Enterprise and AnnualIndicator hold the
# EFFECTIVE values every page and the rules read; each observation of a value, from whichever source, is a
# SourceValue row, and the nightly reconciliation (enterprises.provenance.reconcile) sets the effective columns
# from them by each field's precedence.
FIRM_SOURCE_FIELDS = ("founded_on",)
SOURCE_FIELDS = (*INDICATOR_FIELDS, *FIRM_SOURCE_FIELDS)


class SourceKind(models.TextChoices):
    DEPARTMENT = "department", _("Department list")
    SELF_REPORT = "self_report", _("Firm's confirmed report")
    SPREADSHEET = "spreadsheet", _("Staff spreadsheet")
    STAFF_EDIT = "staff_edit", _("Staff edit")


class SourceValue(models.Model):
    """One observation of one registry value: which firm, which year (empty for a firm's own fields such as its
    founding date), which field, the value, and where it came from (kind, the list or sheet, the import or
    document, as of which day, who). Append-only: a newer observation is a new row."""

    # Not indexed on its own: sourcevalue_current_idx starts with it.
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="source_values",
        verbose_name=_("enterprise"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    field = models.CharField(_("figure"), max_length=32)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    value_date = models.DateField(_("date value"), null=True, blank=True)
    source_kind = models.CharField(_("source of the value"), max_length=16, choices=SourceKind.choices)
    source_name = models.CharField(_("list or sheet"), max_length=200, blank=True)
    # Neither this foreign key nor the actor's is indexed, nor checked by the database: an index or a check more per
    # observation slows every import's commit (a department list of 200,000 firms records 1.4 million observations,
    # and each deferred check of them costs as much as the row's insert: bench/department_bench.py), and import jobs
    # and users are not deleted (the admin keeps jobs read-only; users are deactivated). The firm's key is checked.
    import_job = models.ForeignKey(
        ImportJob,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
        db_index=False,
        db_constraint=False,
    )
    document = models.CharField(_("document"), max_length=200, blank=True)
    as_of = models.DateField(_("as of"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,
        db_constraint=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "year", "field", "source_kind", "-as_of", "-id"]
        verbose_name = _("source value")
        verbose_name_plural = _("source values")
        # The reconciliation reads each source's latest observation straight off this index, in order, without a
        # sort or a visit to the table (enterprises.provenance); a firm's history is its prefix.
        indexes = [
            models.Index(
                fields=["enterprise", "year", "field", "source_kind", "-as_of", "-id"],
                include=["value", "value_date"],
                name="sourcevalue_current_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(value_date__isnull=False), name="sourcevalue_has_value"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.field} {self.year or ''} {self.get_source_kind_display()}"


class FieldPrecedence(models.Model):
    """A field's order of sources (the first present wins) and how far two sources may differ before it is a
    conflict: more than the absolute tolerance AND more than the relative one (of the larger value). Fields without
    a row use enterprises.provenance.DEFAULT_ORDER and its default tolerances."""

    field = models.CharField(_("figure"), max_length=32, unique=True)
    order = models.JSONField(_("order of sources"), default=list)
    abs_tolerance = models.DecimalField(_("absolute tolerance"), max_digits=18, decimal_places=2, default=0)
    rel_tolerance = models.DecimalField(
        _("relative tolerance"), max_digits=6, decimal_places=4, default=0, help_text=_("0.05 means 5 per cent.")
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["field"]
        verbose_name = _("source precedence")
        verbose_name_plural = _("source precedence")
        constraints = [
            models.CheckConstraint(
                condition=Q(abs_tolerance__gte=0) & Q(rel_tolerance__gte=0), name="precedence_tolerance_ok"
            ),
        ]

    def __str__(self):
        return self.field


class Conflict(models.Model):
    """Two sources' current values of one figure that differ by more than its tolerance: the one in force (the
    precedence's winner) and the other. County staff resolve it with a reason (enterprises.workflows)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To resolve")
        RESOLVED = "resolved", _("Resolved")
        SUPERSEDED = "superseded", _("Superseded by newer data")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    field = models.CharField(_("figure"), max_length=32)
    # Indexed by conflict_one_per_pair, which starts with it.
    winning = models.ForeignKey(
        SourceValue, on_delete=models.CASCADE, related_name="+", verbose_name=_("value in force"), db_index=False
    )
    other = models.ForeignKey(SourceValue, on_delete=models.CASCADE, related_name="+", verbose_name=_("other value"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        indexes = [models.Index(fields=["status", "enterprise"], name="conflict_status_firm_idx")]
        constraints = [
            models.UniqueConstraint(fields=["winning", "other"], name="conflict_one_per_pair"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.field} {self.year or ''}"


class ConflictEvent(TransitionEvent):
    """Every change of a conflict's status, by whom, when and why (`note`: the resolution's reason)."""

    subject_field = "conflict"

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="events")
    from_state, to_state = TransitionEvent.state_fields(Conflict.Status)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("conflict event")
        verbose_name_plural = _("conflict events")


class ReconcileMark(models.Model):
    """Where the last reconciliation stopped (one row): the last observation it read and a digest of the
    precedence it applied. The next run reads only the figures observed since, unless the precedence changed."""

    last_value_id = models.BigIntegerField(_("last observation read"), default=0)
    rules_digest = models.CharField(_("precedence applied"), max_length=64, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), auto_now=True)

    class Meta:
        verbose_name = _("reconciliation mark")
        verbose_name_plural = _("reconciliation mark")

    def __str__(self):
        return f"{self.last_value_id} ({self.reconciled_at})"


class DepartmentList(models.TextChoices):
    """The departments' lists the portal reads (README "Department lists")."""

    MARKET_REGISTRATION = "market_registration", _("Market regulation: registration extract")
    STATISTICS = "statistics", _("Statistics: above-scale firms and R&D survey (107-1)")
    TAX_RD_DEDUCTION = "tax_rd_deduction", _("Tax: R&D super-deduction (A107012)")
    TAX_HIGH_TECH = "tax_high_tech", _("Tax: high-tech preference detail (A107041)")
    SCIENCE_TECH_SME = "science_tech_sme", _("Science and technology: tech-based SME registrations")
    SCIENCE_HIGH_TECH = "science_high_tech", _("Science and technology: high-tech certifications")
    PATENTS = "patent_office", _("Patent office: patents held")


class DepartmentMatch(models.Model):
    """A firm found on a department's list: the last extract (as of which day, which import) that named it. A firm
    with no row for any list is matched to no department list (the data-quality page)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="department_matches", verbose_name=_("enterprise")
    )
    department_list = models.CharField(_("list"), max_length=24, choices=DepartmentList.choices)
    as_of = models.DateField(_("as of"))
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("import")
    )
    matched_at = models.DateTimeField(_("matched at"), auto_now=True)

    class Meta:
        verbose_name = _("department match")
        verbose_name_plural = _("department matches")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "department_list"], name="departmentmatch_one_per_list"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.get_department_list_display()}"
