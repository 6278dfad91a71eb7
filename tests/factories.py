import datetime
import importlib
from decimal import Decimal

import factory

from accounts.models import Role, User
from enterprises.credit_codes import make_credit_code
from enterprises.models import AnnualIndicator, County, Enterprise, Qualification, QualificationKind

PASSWORD = "correct-horse-battery-9"
_COUNTIES = {code: (name, kind) for code, name, kind in importlib.import_module(
    "enterprises.migrations.0002_load_counties"
).COUNTIES}  # fmt: skip


def county(code: str) -> County:
    """A county as the data migration loads it (recreated if a transactional test flushed it)."""
    name, kind = _COUNTIES[code]
    return County.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    county = factory.LazyFunction(lambda: county("410402"))
    credit_code = factory.LazyAttributeSequence(lambda o, n: make_credit_code(f"91{o.county.code}{n:09d}"))
    name = factory.Sequence(lambda n: f"平顶山测试{n:05d}科技有限公司")
    industry_code = "3411"
    industry_name = "通用设备制造业"
    founded_on = datetime.date(2015, 5, 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualIndicator

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    employees = 120
    st_personnel = 20
    revenue = Decimal("30000000")
    main_business_revenue = Decimal("28000000")
    total_costs = Decimal("27000000")
    rd_expense = Decimal("1200000")
    rd_expense_domestic = factory.SelfAttribute("rd_expense")
    high_tech_revenue = Decimal("15000000")
    total_assets = Decimal("40000000")
    total_liabilities = Decimal("18000000")
    invention_patents = 1
    utility_models = 4


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = QualificationKind.TECH_SME
    number = factory.Sequence(lambda n: f"2026410402{n:05d}")
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))


def make_user(role: str, *, username: str | None = None, county_code: str | None = None, enterprise=None) -> User:
    user = User(
        username=username or f"{role}-{User.objects.count() + 1}",
        role=role,
        county=county(county_code) if county_code else None,
        enterprise=enterprise,
        is_staff=role == Role.CITY_ADMIN,
        is_superuser=role == Role.CITY_ADMIN,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def registry_fingerprint() -> dict:
    """Counts and a SHA-256 of the sorted rows (all columns) of Enterprise, AnnualIndicator and Qualification."""
    import hashlib

    fingerprint = {}
    digest = hashlib.sha256()
    for model in (Enterprise, AnnualIndicator, Qualification):
        names = [f.attname for f in model._meta.concrete_fields]
        rows = sorted(model.objects.order_by().values_list(*names))
        fingerprint[model.__name__] = len(rows)
        digest.update(model.__name__.encode())
        digest.update(repr(rows).encode())
    fingerprint["sha256"] = digest.hexdigest()
    return fingerprint


def corpus_registry() -> dict[str, Enterprise]:
    """The firms of tests/data/make_corpus.py REGISTRY, by credit code, with figures for the corpus's year."""
    from tests.data.make_corpus import REGISTRY, YEAR

    firms = {}
    for entry in REGISTRY:
        enterprise = EnterpriseFactory(
            credit_code=entry["credit_code"], name=entry["name"], county=county(entry["county"])
        )
        IndicatorFactory(enterprise=enterprise, year=YEAR)
        QualificationFactory(enterprise=enterprise, kind=QualificationKind.INNOVATIVE_SME)
        firms[entry["credit_code"]] = enterprise
    return firms


class SourceValueFactory(factory.django.DjangoModelFactory):
    """One observation of a figure (enterprises.models.SourceValue): a yearly figure by default, `year=None` with
    `value_date` for a firm's own field (the founding date)."""

    class Meta:
        model = "enterprises.SourceValue"

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    field = "revenue"
    value = Decimal("1000000")
    source_kind = "spreadsheet"
    source_name = "测试表"
    as_of = factory.LazyFunction(datetime.date.today)


class DepartmentMatchFactory(factory.django.DjangoModelFactory):
    """A firm found on a department's list (enterprises.models.DepartmentMatch)."""

    class Meta:
        model = "enterprises.DepartmentMatch"

    enterprise = factory.SubFactory(EnterpriseFactory)
    department_list = "market_registration"
    as_of = factory.LazyFunction(datetime.date.today)


class PlacementFactory(factory.django.DjangoModelFactory):
    """A firm's tier now (cultivation.models.TierPlacement), in its firm's county."""

    class Meta:
        model = "cultivation.TierPlacement"

    enterprise = factory.SubFactory(EnterpriseFactory)
    tier = "t1"
    rules_tier = factory.SelfAttribute("tier")
    county = factory.SelfAttribute("enterprise.county")
    since = factory.LazyFunction(datetime.date.today)
    readiness = 50.0


def open_conflict(enterprise, *, field: str = "revenue", year: int = 2025):
    """An open conflict between two observations of one figure of `enterprise`."""
    from enterprises.models import Conflict

    winning = SourceValueFactory(enterprise=enterprise, field=field, year=year, source_kind="department")
    other = SourceValueFactory(enterprise=enterprise, field=field, year=year, value=Decimal("2000000"))
    return Conflict.objects.create(enterprise=enterprise, field=field, year=year, winning=winning, other=other)
