"""The demo city's registry: firms, three years of indicators, qualifications and one user per role; deterministic.

Proportions follow the bureau's own figures at 11,000 firms (DESIGN §1): most firms have no R&D at all, about
700 are registered tech-based SMEs, about 400 hold a valid high-tech certificate, a few dozen are gazelle or
专精特新. Some firms are placed just below a threshold so that readiness and gap views have something to show.
Every threshold used here is read from the rule set in force, never restated.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import transaction

from accounts.models import Role, User
from accounts.permissions import is_county_staff, opens_admin_site
from core.dates import anniversary
from demo.common import DEMO_PASSWORD, GIVEN_NAMES, SURNAMES, reviewer_usernames
from enterprises.credit_codes import ALPHABET, make_credit_code
from enterprises.industries import INDUSTRY_DIVISIONS
from enterprises.models import (
    INDICATOR_FIELDS,
    AnnualIndicator,
    County,
    Enterprise,
    HighTechField,
    Qualification,
    QualificationKind,
)
from rulesets import RuleSet, get_ruleset

# Share of firms by county: the big county-level cities and counties hold most of the industry.
COUNTY_WEIGHTS = {
    "410402": 0.08,
    "410403": 0.06,
    "410404": 0.03,
    "410411": 0.07,
    "410421": 0.11,
    "410422": 0.11,
    "410423": 0.08,
    "410425": 0.08,
    "410471": 0.05,
    "410472": 0.03,
    "410481": 0.10,
    "410482": 0.20,
}
NAME_PREFIX = {
    "410421": "宝丰",
    "410422": "叶县",
    "410423": "鲁山",
    "410425": "郏县",
    "410481": "舞钢",
    "410482": "汝州",
}
# Pingdingshan's industry: coal, chemicals, steel, building materials, machinery, electrical equipment.
INDUSTRY_WEIGHTS = {
    "06": 4, "08": 1, "10": 2, "13": 6, "14": 4, "15": 2, "17": 4, "18": 3, "20": 1, "21": 2, "22": 1, "23": 1,
    "24": 1, "25": 2, "26": 9, "27": 3, "28": 2, "29": 4, "30": 9, "31": 5, "32": 2, "33": 6, "34": 8, "35": 7,
    "36": 3, "37": 2, "38": 6, "39": 4, "40": 2, "41": 1, "42": 2, "43": 1, "44": 2, "45": 1, "46": 1,
}  # fmt: skip
INDUSTRY_WORD = {
    "06": "煤业", "08": "矿业", "10": "矿产", "13": "农产品", "14": "食品", "15": "酒业", "17": "纺织", "18": "服饰",
    "20": "木业", "21": "家具", "22": "纸业", "23": "印务", "24": "文体用品", "25": "焦化", "26": "化工", "27": "药业",
    "28": "化纤", "29": "塑胶", "30": "建材", "31": "钢铁", "32": "铝业", "33": "金属制品", "34": "机械", "35": "装备",
    "36": "汽车部件", "37": "轨道装备", "38": "电气", "39": "电子科技", "40": "仪表", "41": "制品", "42": "再生资源",
    "43": "设备维修", "44": "能源", "45": "燃气", "46": "水务",
}  # fmt: skip
FIELD_BY_DIVISION = {
    "39": HighTechField.ELECTRONIC_INFORMATION,
    "40": HighTechField.ELECTRONIC_INFORMATION,
    "27": HighTechField.BIO_MEDICINE,
    "14": HighTechField.BIO_MEDICINE,
    "37": HighTechField.AEROSPACE,
    "26": HighTechField.NEW_MATERIALS,
    "28": HighTechField.NEW_MATERIALS,
    "30": HighTechField.NEW_MATERIALS,
    "31": HighTechField.NEW_MATERIALS,
    "32": HighTechField.NEW_MATERIALS,
    "38": HighTechField.NEW_ENERGY,
    "44": HighTechField.NEW_ENERGY,
    "42": HighTechField.RESOURCES_ENVIRONMENT,
    "46": HighTechField.RESOURCES_ENVIRONMENT,
    "43": HighTechField.HIGH_TECH_SERVICES,
}
BRAND_CHARACTERS = (
    "华鑫恒瑞盛宏泰达信隆兴德丰源宇嘉振新安通佳博创远凯旭腾翔峰润晟中天金亿利永昌益豪弘联合力海众诚明荣祥"
    "正旺鼎汇鹏程光辉锦富强立卓越星辰万顺冠威驰航宏图"
)
STREETS = (
    "建设路",
    "中兴路",
    "开源路",
    "光明路",
    "矿工路",
    "新华路",
    "湛河路",
    "凌云路",
    "神马大道",
    "龙翔大道",
)

# Segments, as shares of all firms.
SHARE_HIGH_TECH = 0.0364
SHARE_SME_ONLY = 0.0475
SHARE_LAPSED_SME = 0.008
SHARE_EXPIRED_HIGH_TECH = 0.005
SHARE_SIGNAL = 0.25
HIGH_TECH_ALSO_SME = 0.45

NONE, SIGNAL, SME, HIGH_TECH, LAPSED_SME, EXPIRED_HIGH_TECH = range(6)


@dataclass
class DemoCity:
    enterprises: list[Enterprise] = field(default_factory=list)
    # Indicators and qualifications refer to their firm by index into `enterprises` until it has a key.
    indicators: list[tuple[int, AnnualIndicator]] = field(default_factory=list)
    qualifications: list[tuple[int, Qualification]] = field(default_factory=list)
    segments: np.ndarray | None = None


def generate(*, firms: int, seed: int, as_of: datetime.date, ruleset: RuleSet | None = None) -> DemoCity:
    ruleset = ruleset or get_ruleset()
    rng = np.random.default_rng(seed)
    counties = {county.code: county for county in County.objects.all()}
    county_codes = np.array(list(COUNTY_WEIGHTS))
    county_of = rng.choice(county_codes, size=firms, p=_normalised(COUNTY_WEIGHTS.values()))
    divisions = np.array(list(INDUSTRY_WEIGHTS))
    division_of = rng.choice(divisions, size=firms, p=_normalised(INDUSTRY_WEIGHTS.values()))

    segments = _segments(rng, firms)
    years = [as_of.year - 3, as_of.year - 2, as_of.year - 1]
    figures = _figures(rng, segments, ruleset)

    codes = _credit_codes(rng, county_of)
    names = _names(rng, county_of, division_of)
    founded = _founded(rng, segments, as_of)
    city = DemoCity(segments=segments)
    for index in range(firms):
        division = str(division_of[index])
        segment = segments[index]
        innovative = segment in (SME, HIGH_TECH, LAPSED_SME, EXPIRED_HIGH_TECH)
        field_value = ""
        if innovative or rng.random() < 0.05:
            field_value = FIELD_BY_DIVISION.get(division, HighTechField.ADVANCED_MANUFACTURING)
        city.enterprises.append(
            Enterprise(
                credit_code=codes[index],
                name=names[index],
                county=counties[str(county_of[index])],
                industry_code=f"{division}{rng.integers(10, 100)}",
                industry_name=INDUSTRY_DIVISIONS[division],
                high_tech_field=field_value,
                founded_on=founded[index],
                address=f"{counties[str(county_of[index])].name}{STREETS[index % len(STREETS)]}{index % 300 + 1}号",
                contact_person=SURNAMES[index % len(SURNAMES)] + GIVEN_NAMES[(index * 7) % len(GIVEN_NAMES)],
                contact_phone=f"1{3 + index % 6}{(index * 7919) % 10**9:09d}",
            )
        )
        for year_index, year in enumerate(years):
            values = {name: column[index, year_index] for name, column in figures.items()}
            city.indicators.append((index, _indicator(year, values)))
    _qualifications(city, rng, segments, as_of, certificate_years=ruleset.high_tech.certificate_years)
    return city


def _normalised(weights) -> np.ndarray:
    array = np.array(list(weights), dtype=float)
    return array / array.sum()


def _segments(rng, firms: int) -> np.ndarray:
    counts = [
        (HIGH_TECH, SHARE_HIGH_TECH),
        (SME, SHARE_SME_ONLY),
        (LAPSED_SME, SHARE_LAPSED_SME),
        (EXPIRED_HIGH_TECH, SHARE_EXPIRED_HIGH_TECH),
        (SIGNAL, SHARE_SIGNAL),
    ]
    segments = np.full(firms, NONE)
    order = rng.permutation(firms)
    start = 0
    for segment, share in counts:
        size = round(firms * share)
        segments[order[start : start + size]] = segment
        start += size
    return segments


def _figures(rng, segments: np.ndarray, ruleset: RuleSet) -> dict[str, np.ndarray]:
    """Three years (columns) of every indicator for every firm (rows), as floats and ints."""
    n = len(segments)
    median_revenue = np.select(
        [segments == HIGH_TECH, segments == EXPIRED_HIGH_TECH, segments == SME, segments == LAPSED_SME,
         segments == SIGNAL],
        [60e6, 40e6, 25e6, 18e6, 15e6],
        8e6,
    )  # fmt: skip
    latest_revenue = np.clip(median_revenue * rng.lognormal(0, 0.9, n), 3e5, 3e9)
    growth_mean = np.select([segments == HIGH_TECH, segments == SME, segments == SIGNAL], [0.12, 0.10, 0.06], 0.03)
    growth = rng.normal(growth_mean[:, None], 0.12, (n, 2)).clip(-0.4, 1.2)
    revenue = np.empty((n, 3))
    revenue[:, 2] = latest_revenue
    revenue[:, 1] = latest_revenue / (1 + growth[:, 1])
    revenue[:, 0] = revenue[:, 1] / (1 + growth[:, 0])

    sme = ruleset.tech_sme
    sme_eligible = np.isin(segments, [SME, LAPSED_SME])
    revenue[sme_eligible] = np.minimum(revenue[sme_eligible], float(sme.max_revenue) * 0.95)

    per_head = rng.lognormal(np.log(4e5), 0.4, n)
    employees = np.clip(np.round(revenue / per_head[:, None]), 5, 3000).astype(int)
    employees[sme_eligible] = np.minimum(employees[sme_eligible], sme.max_employees - 20)

    st_ratio = np.select(
        [segments == HIGH_TECH, segments == EXPIRED_HIGH_TECH, np.isin(segments, [SME, LAPSED_SME]),
         segments == SIGNAL],
        [rng.uniform(0.11, 0.40, n), rng.uniform(0.06, 0.25, n), rng.uniform(0.08, 0.35, n),
         rng.uniform(0.0, 0.12, n)],
        0.0,
    )  # fmt: skip
    rd_ratio = np.select(
        [segments == HIGH_TECH, segments == EXPIRED_HIGH_TECH, np.isin(segments, [SME, LAPSED_SME]),
         segments == SIGNAL],
        [rng.uniform(0.036, 0.08, n), rng.uniform(0.015, 0.05, n), rng.uniform(0.02, 0.07, n),
         rng.uniform(0.0, 0.025, n)],
        0.0,
    )  # fmt: skip
    high_tech_share = np.select(
        [segments == HIGH_TECH, segments == EXPIRED_HIGH_TECH, np.isin(segments, [SME, LAPSED_SME])],
        [rng.uniform(0.62, 0.92, n), rng.uniform(0.4, 0.8, n), rng.uniform(0.2, 0.8, n)],
        0.0,
    )

    # Firms just below a threshold: a tech-based SME a little short of the high-tech R&D ratio, the S&T share,
    # or the high-tech revenue share; a small firm a little short of the above-scale revenue.
    candidates = np.isin(segments, [SME])
    near = candidates & (rng.random(n) < 0.15)
    band = np.array([float(ruleset.high_tech_min_rd_ratio(Decimal(int(r)))) for r in revenue[near, 2]])
    rd_ratio[near] = band - rng.uniform(0.001, 0.005, near.sum())
    near_st = candidates & (rng.random(n) < 0.08)
    st_ratio[near_st] = float(ruleset.high_tech.min_st_personnel_ratio) - rng.uniform(0.003, 0.015, near_st.sum())
    near_share = candidates & (rng.random(n) < 0.08)
    high_tech_share[near_share] = float(ruleset.high_tech.min_high_tech_revenue_share) - rng.uniform(
        0.005, 0.03, near_share.sum()
    )
    near_scale = (segments == SIGNAL) & (rng.random(n) < 0.05)
    revenue[near_scale, 2] = float(ruleset.above_scale_min_revenue) * rng.uniform(0.93, 0.999, near_scale.sum())
    too_big = (segments == SIGNAL) & (rng.random(n) < 0.02)
    employees[too_big, 2] = sme.max_employees + rng.integers(1, 30, too_big.sum())

    st_personnel = np.minimum(np.round(employees * st_ratio[:, None]).astype(int), employees)
    # Firms with an innovation signal have at least someone doing R&D.
    signal = segments != NONE
    st_personnel[signal] = np.maximum(st_personnel[signal], 1)
    st_personnel = np.minimum(st_personnel, employees)
    year_noise = rng.uniform(0.85, 1.15, (n, 3))
    rd_expense = revenue * rd_ratio[:, None] * year_noise
    rd_domestic = rd_expense * rng.uniform(0.85, 1.0, (n, 1))
    total_costs = revenue * rng.uniform(0.85, 1.02, (n, 1))
    main_business = revenue * rng.uniform(0.85, 1.0, (n, 1))
    high_tech_revenue = revenue * high_tech_share[:, None]
    total_assets = revenue * rng.uniform(0.6, 1.6, (n, 1)) * np.array([0.9, 0.95, 1.0])
    if sme_eligible.any():
        total_assets[sme_eligible] = np.minimum(total_assets[sme_eligible], float(sme.max_total_assets) * 0.95)
    total_liabilities = total_assets * rng.uniform(0.2, 0.75, (n, 1))

    def cumulative(mean_by_segment):
        """IP counts are cumulative: the latest year's stock, built up over the three years."""
        conditions = [condition for condition, _mean in mean_by_segment]
        means = [mean for _condition, mean in mean_by_segment]
        latest = rng.poisson(np.select(conditions, means, 0.0))
        return np.round(latest[:, None] * np.array([0.6, 0.8, 1.0])).astype(int)

    invention = cumulative([(segments == HIGH_TECH, 4.0), (segments == EXPIRED_HIGH_TECH, 2.0),
                            (np.isin(segments, [SME, LAPSED_SME]), 1.0), (segments == SIGNAL, 0.15)])  # fmt: skip
    other_class1 = cumulative([(segments == HIGH_TECH, 0.1)])
    utility = cumulative([(segments == HIGH_TECH, 12.0), (segments == EXPIRED_HIGH_TECH, 8.0),
                          (np.isin(segments, [SME, LAPSED_SME]), 5.0), (segments == SIGNAL, 1.0)])  # fmt: skip
    designs = cumulative([(segments == HIGH_TECH, 1.0), (np.isin(segments, [SME, LAPSED_SME]), 0.6),
                          (segments == SIGNAL, 0.2)])  # fmt: skip
    software = cumulative([(segments == HIGH_TECH, 3.0), (np.isin(segments, [SME, LAPSED_SME]), 1.5),
                           (segments == SIGNAL, 0.3)])  # fmt: skip
    converted = rng.poisson(
        np.select([segments == HIGH_TECH, np.isin(segments, [SME, LAPSED_SME])], [3.0, 1.0], 0.0)[:, None],
        (n, 3),
    )
    return {
        "employees": employees,
        "st_personnel": st_personnel,
        "revenue": revenue,
        "main_business_revenue": main_business,
        "total_costs": total_costs,
        "rd_expense": rd_expense,
        "rd_expense_domestic": rd_domestic,
        "high_tech_revenue": high_tech_revenue,
        "total_assets": total_assets,
        "total_liabilities": total_liabilities,
        "invention_patents": invention,
        "other_class1_ip": other_class1,
        "utility_models": utility,
        "designs": designs,
        "software_copyrights": software,
        "results_converted": converted,
    }


def _indicator(year: int, values: dict) -> AnnualIndicator:
    row = {}
    for name in INDICATOR_FIELDS:
        value = values[name]
        if AnnualIndicator._meta.get_field(name).get_internal_type() == "DecimalField":
            # Statistics are kept in 万元 to two decimals: round to 100 yuan.
            row[name] = Decimal(int(round(float(value), -2)))
        else:
            row[name] = int(value)
    row["rd_expense_domestic"] = min(row["rd_expense_domestic"], row["rd_expense"])
    return AnnualIndicator(year=year, **row)


def _credit_codes(rng, county_of: np.ndarray) -> list[str]:
    codes: list[str] = []
    seen: set[str] = set()
    alphabet = np.array(list(ALPHABET))
    for county in county_of:
        while True:
            # Registration authority 9 (market regulation), entity type 1 (company), area code, organisation code.
            body = "91" + str(county) + "".join(rng.choice(alphabet[:10], 1)) + "".join(rng.choice(alphabet, 8))
            code = make_credit_code(body)
            if code not in seen:
                seen.add(code)
                codes.append(code)
                break
    return codes


def _names(rng, county_of: np.ndarray, division_of: np.ndarray) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    suffixes = ("有限公司", "有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司")
    for county, division in zip(county_of, division_of, strict=True):
        prefix = NAME_PREFIX.get(str(county), "平顶山")
        word = INDUSTRY_WORD[str(division)]
        suffix = suffixes[rng.integers(len(suffixes))]
        brand_length = 2
        while True:
            brand = "".join(rng.choice(list(BRAND_CHARACTERS), brand_length))
            name = f"{prefix}{brand}{word}{suffix}"
            if name not in seen:
                seen.add(name)
                names.append(name)
                break
            brand_length += 1
    return names


def _founded(rng, segments: np.ndarray, as_of: datetime.date) -> list[datetime.date]:
    youngest = np.where(np.isin(segments, [HIGH_TECH, EXPIRED_HIGH_TECH]), 4 * 365, 200)
    ages = youngest + rng.integers(0, 25 * 365, len(segments))
    return [as_of - datetime.timedelta(days=int(age)) for age in ages]


def _qualifications(city: DemoCity, rng, segments: np.ndarray, as_of: datetime.date, *, certificate_years: int) -> None:
    year = as_of.year
    year_start = datetime.date(year, 1, 1)
    days_into_year = max((as_of - year_start).days, 0)
    sequence = iter(range(1, 10**7))

    def add(index, kind, number, valid_from, valid_to):
        city.qualifications.append(
            (index, Qualification(kind=kind, number=number, valid_from=valid_from, valid_to=valid_to))
        )

    def register_sme(index, register_year):
        start = datetime.date(register_year, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 180)))
        if register_year == year:
            start = year_start + datetime.timedelta(days=int(rng.integers(0, days_into_year + 1)))
        number = f"{register_year}{city.enterprises[index].county.code}{next(sequence):05d}"
        add(index, QualificationKind.TECH_SME, number, start, datetime.date(register_year, 12, 31))

    def gazelle(index, batch_year):
        start = datetime.date(batch_year, 7, 1)
        add(index, QualificationKind.GAZELLE, f"DL{batch_year}{next(sequence):04d}", start, anniversary(start, 2))

    def certify_high_tech(index, issued):
        number = f"GR{issued.year}41{next(sequence):06d}"
        add(
            index,
            QualificationKind.HIGH_TECH,
            number,
            issued,
            anniversary(issued, certificate_years) - datetime.timedelta(days=1),
        )

    for index, segment in enumerate(segments):
        if segment == SME:
            register_sme(index, year)
            if rng.random() < 0.6:
                register_sme(index, year - 1)
        elif segment == LAPSED_SME:
            register_sme(index, year - 1)
        elif segment == HIGH_TECH:
            certify_high_tech(index, as_of - datetime.timedelta(days=int(rng.integers(0, certificate_years * 365 - 1))))
            if rng.random() < HIGH_TECH_ALSO_SME:
                register_sme(index, year)
            draw = rng.random()
            # Gazelle firms are named in a yearly batch (1 July), each for two years: this year's batch once it is out,
            # last year's, and the batch before, which lapses on 1 July this year. (One batch alone would make the
            # count a year ago equal today's in every county for half of each year.)
            if draw < 0.08:
                gazelle(index, year if draw < 0.035 and datetime.date(year, 7, 1) <= as_of else year - 1)
            elif draw < 0.18:
                start = as_of - datetime.timedelta(days=int(rng.integers(30, 700)))
                add(index, QualificationKind.SRDI_PROVINCIAL, f"ZJTX{start.year}{next(sequence):04d}", start,
                    anniversary(start, 3) - datetime.timedelta(days=1))  # fmt: skip
            elif draw < 0.195:
                start = as_of - datetime.timedelta(days=int(rng.integers(30, 700)))
                add(index, QualificationKind.SRDI_NATIONAL, f"XJR{start.year}{next(sequence):04d}", start,
                    anniversary(start, 3) - datetime.timedelta(days=1))  # fmt: skip
            elif draw < 0.225:
                gazelle(index, year - 2)
            if rng.random() < 0.12:
                start = as_of - datetime.timedelta(days=int(rng.integers(100, 2000)))
                add(index, QualificationKind.RD_PLATFORM, f"YF{start.year}{next(sequence):04d}", start,
                    anniversary(start, 5))  # fmt: skip
        elif segment == EXPIRED_HIGH_TECH:
            lapsed = anniversary(as_of, -certificate_years) - datetime.timedelta(days=int(rng.integers(1, 400)))
            certify_high_tech(index, lapsed)


# ---------------------------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class DemoUser:
    username: str
    account_role: str
    name: str
    county_code: str | None = None
    pick: int | None = None  # for enterprise users: which segment their firm comes from


DEMO_USERS = (
    DemoUser("admin", Role.CITY_ADMIN, "系统管理员"),
    DemoUser("city", Role.CITY_STAFF, "市局科员"),
    DemoUser("leader", Role.LEADER, "市领导"),
    DemoUser("officer", Role.OFFICER, "首席科技服务官"),
    DemoUser("xinhua", Role.COUNTY_STAFF, "新华区科技局", county_code="410402"),
    DemoUser("ruzhou", Role.COUNTY_STAFF, "汝州市科技局", county_code="410482"),
    DemoUser("firm_hightech", Role.ENTERPRISE, "高企联系人", county_code="410402", pick=HIGH_TECH),
    DemoUser("firm_sme", Role.ENTERPRISE, "科小联系人", county_code="410402", pick=SME),
    DemoUser("firm_small", Role.ENTERPRISE, "小微企业联系人", county_code="410482", pick=SIGNAL),
)


def clear_firms() -> None:
    """Remove every firm with its data, the enterprise accounts tied to them, and the demo accounts (and the past's
    reviewers). What refers to them goes first (demo.city.clear_city)."""
    User.objects.filter(username__in=[user.username for user in DEMO_USERS] + reviewer_usernames()).delete()
    User.objects.filter(enterprise__isnull=False).delete()
    # Children first, each in one statement, so that deleting the firms needs no per-row cascade.
    Qualification.objects.all().delete()
    AnnualIndicator.objects.all().delete()
    Enterprise.objects.all().delete()


def write(city: DemoCity, *, batch_size: int = 5000, progress=None) -> dict:
    """Insert the city in bulk, in one transaction, and create the demo users."""
    with transaction.atomic():
        Enterprise.objects.bulk_create(city.enterprises, batch_size=batch_size)
        if city.enterprises and city.enterprises[0].pk is None:
            # Backends that cannot return keys from a bulk insert: look them up by the unique credit code.
            ids = dict(Enterprise.objects.values_list("credit_code", "pk"))
            for enterprise in city.enterprises:
                enterprise.pk = ids[enterprise.credit_code]
        if progress:
            progress("enterprises", len(city.enterprises))
        for index, indicator in city.indicators:
            indicator.enterprise_id = city.enterprises[index].pk
        AnnualIndicator.objects.bulk_create([row for _i, row in city.indicators], batch_size=batch_size)
        if progress:
            progress("indicators", len(city.indicators))
        for index, qualification in city.qualifications:
            qualification.enterprise_id = city.enterprises[index].pk
        Qualification.objects.bulk_create([row for _i, row in city.qualifications], batch_size=batch_size)
        if progress:
            progress("qualifications", len(city.qualifications))
        users = _create_users(city)
    return {
        "enterprises": len(city.enterprises),
        "indicators": len(city.indicators),
        "qualifications": len(city.qualifications),
        "users": users,
    }


def _create_users(city: DemoCity) -> int:
    counties = {county.code: county for county in County.objects.all()}
    # One hash for every demo account: hashing is deliberately slow, and these passwords are public anyway.
    template = User()
    template.set_password(DEMO_PASSWORD)
    password_hash = template.password
    taken: set[int] = set()
    users = []
    for spec in DEMO_USERS:
        user = User(username=spec.username, first_name=spec.name, role=spec.account_role, password=password_hash)
        user.is_staff = user.is_superuser = opens_admin_site(user)
        if is_county_staff(user):
            user.county = counties[spec.county_code]
        if spec.pick is not None:
            index = _first_firm(city, segment=spec.pick, county_code=spec.county_code, taken=taken)
            if index is None:
                continue
            taken.add(index)
            user.enterprise = city.enterprises[index]
        users.append(user)
    User.objects.bulk_create(users)
    return len(users)


def _first_firm(city: DemoCity, *, segment: int, county_code: str, taken: set[int]) -> int | None:
    fallback = None
    for index, enterprise in enumerate(city.enterprises):
        if city.segments[index] != segment or index in taken:
            continue
        if enterprise.county.code == county_code:
            return index
        fallback = index if fallback is None else fallback
    return fallback


def fingerprint() -> str:
    """A digest of all registry content, independent of primary keys: equal for equal data."""
    digest = hashlib.sha256()
    for row in Enterprise.objects.order_by("credit_code").values_list(
        "credit_code", "name", "county__code", "industry_code", "high_tech_field", "founded_on", "address",
        "contact_person", "contact_phone",
    ):  # fmt: skip
        digest.update(repr(row).encode())
    for row in AnnualIndicator.objects.order_by("enterprise__credit_code", "year").values_list(
        "enterprise__credit_code", "year", *INDICATOR_FIELDS
    ):
        digest.update(repr(row).encode())
    for row in Qualification.objects.order_by("enterprise__credit_code", "kind", "valid_from").values_list(
        "enterprise__credit_code", "kind", "number", "valid_from", "valid_to"
    ):
        digest.update(repr(row).encode())
    for row in User.objects.order_by("username").values_list(
        "username", "role", "county__code", "enterprise__credit_code"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()
