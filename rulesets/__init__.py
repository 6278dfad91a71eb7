"""Official thresholds, versioned by year. Every rule's number lives here once (DESIGN §3).

A rule set is immutable data; the one in force is chosen by the city administrator (scoring.models.ScoringSettings,
falling back to settings.SCORING_RULESET_YEAR). A new regime (e.g. the SME grading revision of 2026-04-01) is a new
entry, never an edit of an old one, so a portrait computed under an older version can always be explained.

Conventions: ratios are Decimal fractions (0.10 is 10%); money is yuan; a band is (lower bound, inclusive; points),
listed from the highest bound down, and a value below every bound scores 0.

Band edges. The official texts write bands as "5%以上", "3%-5%", "1%以下". In Chinese law "以上" and "以下" include the
number itself (《民法典》第一千二百五十九条: "民法所称的'以上'、'以下'、'以内'、'届满'，包括本数"), so two listed bands
share their edge; the first listed (the better) band takes it: exactly 5% scores "5%以上", exactly 55% debt scores
"55%以下". Every band below is encoded that way. Periods counted in years ("一年以上", "近三年") follow core.dates.

Sources: rulesets/SOURCES.md names the text each number was read from and where it was found; rulesets/CHANGELOG.md
says what each version changed from the previous one and why.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

MILLION = Decimal("1000000")

# A band: (lower bound, inclusive; points). Bands are listed from the highest bound down.
Bands = tuple[tuple[Decimal, int], ...]
# A scored range: (lower bound, inclusive; lowest points; highest points), for expert-judged scores.
RangeBands = tuple[tuple[Decimal, int, int], ...]


@dataclass(frozen=True)
class TechSmeEligibility:
    """科技型中小企业评价办法 (国科发政〔2017〕115号): size limits for eligibility."""

    max_employees: int = 500
    max_revenue: Decimal = 200 * MILLION
    max_total_assets: Decimal = 200 * MILLION


@dataclass(frozen=True)
class TechSmeScoring:
    """The 100-point tech-based SME score (§3.1): S&T personnel 20, R&D input 50 (better of two ratios), results 30."""

    pass_score: int = 60
    st_personnel_max: int = 20
    st_personnel_bands: Bands = (
        (Decimal("0.30"), 20),
        (Decimal("0.25"), 16),
        (Decimal("0.20"), 12),
        (Decimal("0.15"), 8),
        (Decimal("0.10"), 4),
    )
    rd_max: int = 50
    rd_revenue_bands: Bands = (
        (Decimal("0.06"), 50),
        (Decimal("0.05"), 40),
        (Decimal("0.04"), 30),
        (Decimal("0.03"), 20),
        (Decimal("0.02"), 10),
    )
    rd_costs_bands: Bands = (
        (Decimal("0.30"), 50),
        (Decimal("0.25"), 40),
        (Decimal("0.20"), 30),
        (Decimal("0.15"), 20),
        (Decimal("0.10"), 10),
    )
    results_max: int = 30
    class1_points: int = 30
    # Class II IP count (no Class I): bound is a count.
    class2_bands: Bands = ((Decimal("4"), 24), (Decimal("3"), 18), (Decimal("2"), 12), (Decimal("1"), 6))
    # 国科发政〔2017〕115号 第六条 (and 工作指引): a firm meeting (一)–(四) of 第六条 that meets one of the following is
    # confirmed directly, whatever its score (直接确认):
    #   (1) 企业拥有有效期内高新技术企业资格证书;                        -> qualification "high_tech", valid on the day
    #   (2) 企业近五年内获得过国家级科技奖励，并在获奖单位中排在前三名;  -> achievement: award, national, rank <= 3
    #   (3) 企业拥有经认定的省部级以上研发机构;                          -> qualification "rd_platform", or an
    #                                                                        R&D institution, provincial or national
    #   (4) 企业近五年内主导制定过国际标准、国家标准或行业标准.          -> achievement: standard led, international,
    #                                                                        national or industry level
    # Qualification kinds giving the route alone, (1) and (3):
    direct_pass_kinds: tuple[str, ...] = ("high_tech", "rd_platform")
    # (2) and (4): "近五年内" (core.dates.within_last_years), the award's lowest counted rank, the levels that count.
    # Empty levels: the route is not applied (the 2025 version).
    direct_route_years: int = 5
    direct_award_max_rank: int = 3
    direct_award_levels: tuple[str, ...] = ("national",)
    direct_standard_levels: tuple[str, ...] = ("international", "national", "industry")
    # (3) "省部级以上": the lowest recorded R&D institution level that counts ("": recorded institutions do not count).
    direct_rd_institution_min_level: str = "provincial"


@dataclass(frozen=True)
class CapabilityModel:
    """High-tech innovation-capability evaluation (≤ 100): the parts the data computes; a range for the experts'."""

    ip_max: int = 30
    # IP quantity part (of the IP 30): ≥1 Class I 7–8, else by Class II count.
    ip_quantity_class1: tuple[int, int] = (7, 8)
    ip_quantity_class2_bands: RangeBands = ((Decimal("5"), 5, 6), (Decimal("3"), 3, 4), (Decimal("1"), 1, 2))
    conversion_max: int = 30
    # Yearly average of results converted over the (up to) three years.
    conversion_bands: RangeBands = (
        (Decimal("5"), 25, 30),
        (Decimal("4"), 19, 24),
        (Decimal("3"), 13, 18),
        (Decimal("2"), 7, 12),
        (Decimal("1"), 1, 6),
    )
    organisation_max: int = 20
    growth_part_max: int = 10  # each of net-asset growth and sales growth
    # Growth = ½(V2/V1 + V3/V2) − 1; bands from ≥35% down; any growth > 0 scores the positive band; ≤ 0 scores 0.
    growth_bands: RangeBands = (
        (Decimal("0.35"), 9, 10),
        (Decimal("0.25"), 7, 8),
        (Decimal("0.15"), 5, 6),
        (Decimal("0.05"), 3, 4),
    )
    growth_positive: tuple[int, int] = (1, 2)
    # The share of an expert-judged part's maximum taken as the estimate (firms with IP, resp. with R&D).
    expert_estimate_share: Decimal = Decimal("0.75")


@dataclass(frozen=True)
class HighTechThresholds:
    """高新技术企业认定管理办法 (国科发火〔2016〕32号): the quantitative conditions."""

    certificate_years: int = 3
    min_registered_years: int = 1
    min_class1_ip: int = 1
    min_class2_ip: int = 5
    min_st_personnel_ratio: Decimal = Decimal("0.10")
    # S&T personnel count only people who worked 183 days or more in the year (work guideline).
    st_personnel_min_days: int = 183
    rd_years: int = 3
    # (upper bound of latest-year revenue, inclusive; minimum 3-year R&D / revenue). None: no upper bound.
    rd_ratio_bands: tuple[tuple[Decimal | None, Decimal], ...] = (
        (50 * MILLION, Decimal("0.05")),
        (200 * MILLION, Decimal("0.04")),
        (None, Decimal("0.03")),
    )
    min_domestic_rd_share: Decimal = Decimal("0.60")
    min_high_tech_revenue_share: Decimal = Decimal("0.60")
    min_capability_score_exclusive: Decimal = Decimal("70")
    capability: CapabilityModel = field(default_factory=CapabilityModel)


@dataclass(frozen=True)
class GazelleCriteria:
    """瞪羚 candidate (the province's exact criteria are configurable; default follows common practice)."""

    min_revenue: Decimal = 10 * MILLION
    # Compound annual revenue growth over the three yearly values (two intervals).
    min_revenue_cagr: Decimal = Decimal("0.20")
    cagr_intervals: int = 2


@dataclass(frozen=True)
class SrdiCriteria:
    """专精特新中小企业认定标准 (工信部企业〔2022〕63号《优质中小企业梯度培育管理暂行办法》附件2).

    一、认定条件: a firm meeting all four is a candidate:
      (一) 从事特定细分市场时间达到2年以上;
      (二) 上年度研发费用总额不低于100万元，且占营业收入总额比重不低于3%;
      (三) 上年度营业收入总额在1000万元以上，或上年度营业收入总额在1000万元以下，但近2年新增股权融资总额（合格机构
           投资者的实缴额）达到2000万元以上;
      (四) 评价得分达到60分以上或满足下列条件之一 (the direct routes below).
    二、评价指标: 专业化、精细化、特色化和创新能力四类十三个指标, 满分100分 (SrdiModel).

    Years in the niche are not recorded: the portal takes the years since founding (an upper bound of them)."""

    # False (the 2025 version): the score is the innovative-SME score, (三) is the revenue alone and (四) has no direct
    # routes, as the portal computed before version 2026 (CHANGELOG.md).
    own_model: bool = True
    # 一、(一)
    min_years_in_niche: int = 2
    # 一、(二)
    min_rd_expense: Decimal = 1 * MILLION
    min_rd_ratio: Decimal = Decimal("0.03")
    # 一、(三)
    min_revenue: Decimal = 10 * MILLION
    equity_instead_of_revenue: Decimal = 20 * MILLION
    equity_years: int = 2
    # 一、(四)
    min_score: int = 60
    # 一、(四)1. 近三年获得过省级科技奖励，并在获奖单位中排名前三；或获得国家级科技奖励，并在获奖单位中排名前五。
    route_award_years: int = 3
    route_award_max_rank: tuple[tuple[str, int], ...] = (("provincial", 3), ("national", 5))
    # 一、(四)2. 近两年研发费用总额均值在1000万元以上。
    route_rd_mean_years: int = 2
    route_rd_mean: Decimal = 10 * MILLION
    # 一、(四)3. 近两年新增股权融资总额（合格机构投资者的实缴额）6000万元以上。
    route_equity_years: int = 2
    route_equity: Decimal = 60 * MILLION
    # 一、(四)4. 近三年进入"创客中国"中小企业创新创业大赛全国500强企业组名单。
    route_makers_years: int = 3
    route_makers_max_rank: int = 500


@dataclass(frozen=True)
class SrdiModel:
    """The 100-point model of 专精特新中小企业认定标准 (63号 附件2, 二、评价指标). Parts whose data the portal does not
    hold are scored as a range (lowest, highest) and shown as estimates, as the high-tech capability score is."""

    # (一) 专业化指标 (满分25分)
    specialisation_max: int = 25
    # 1. 上年度主营业务收入总额占营业收入总额比重 (满分5分): 80%以上 5; 70%-80% 3; 60%-70% 1; 60%以下 0.
    main_share_bands: Bands = ((Decimal("0.80"), 5), (Decimal("0.70"), 3), (Decimal("0.60"), 1))
    main_share_max: int = 5
    # 2. 近2年主营业务收入平均增长率 (满分10分): 10%以上 10; 8%-10% 8; 6%-8% 6; 4%-6% 4; 0%-4% 2; 0%以下 0.
    #    The average of the two yearly rates, ½(V2/V1 + V3/V2) − 1 (scoring.rules.growth_rate).
    main_growth_bands: Bands = (
        (Decimal("0.10"), 10),
        (Decimal("0.08"), 8),
        (Decimal("0.06"), 6),
        (Decimal("0.04"), 4),
        (Decimal("0"), 2),
    )
    main_growth_max: int = 10
    # 3. 从事特定细分市场年限 (满分5分): 每满2年得1分，最高不超过5分.
    niche_years_per_point: int = 2
    niche_max: int = 5
    # 4. 主导产品所属领域情况 (满分5分): 补短板/锻长板/填空白 5; 工业"六基"/中华老字号/关键产业链龙头配套 3; 其他 0.
    #    Not recorded: a range 0–5.
    field_max: int = 5
    # (二) 精细化指标 (满分25分)
    refinement_max: int = 25
    # 5. 数字化水平 (满分5分): 三级以上 5; 二级 3; 一级 0. Recorded as an achievement (grade); unrecorded: 0–5.
    digital_bands: Bands = ((Decimal("3"), 5), (Decimal("2"), 3))
    digital_max: int = 5
    # 6. 质量管理水平 (每满足一项加3分，最高不超过5分): A. 省级以上质量奖荣誉; B. ISO9001等质量管理体系认证;
    #    C. 自主品牌; D. 参与制修订标准. Recorded items count; the unrecorded ones make the range's top.
    quality_points_each: int = 3
    quality_max: int = 5
    quality_award_min_level: str = "provincial"
    # 7. 上年度净利润率 (满分10分): 10%以上 10; 8%-10% 8; 6%-8% 6; 4%-6% 4; 2%-4% 2; 2%以下 0.
    #    Net profit is not among the yearly indicators: a range 0–10 until the yearly report carries it.
    net_margin_bands: Bands = (
        (Decimal("0.10"), 10),
        (Decimal("0.08"), 8),
        (Decimal("0.06"), 6),
        (Decimal("0.04"), 4),
        (Decimal("0.02"), 2),
    )
    net_margin_max: int = 10
    # 8. 上年度资产负债率 (满分5分): 50%以下 5; 50%-60% 3; 60%-70% 1; 70%以上 0. (upper bound, inclusive; points).
    debt_ratio_bands: Bands = ((Decimal("0.50"), 5), (Decimal("0.60"), 3), (Decimal("0.70"), 1))
    debt_ratio_max: int = 5
    # (三) 特色化指标 (满分15分): 由省级中小企业主管部门结合本地产业状况自主设定1–3个指标. The province's indicators
    #      are not encoded (see SOURCES.md): a range 0–15.
    distinctiveness_max: int = 15
    # (四) 创新能力指标 (满分35分)
    innovation_max: int = 35
    # 10. 与企业主导产品相关的有效知识产权数量 (满分10分): I类高价值 10; 自主研发I类 8; I类 6; II类 2; 无 0.
    #     High-value and self-developed are not known from the counts: a firm with Class I IP scores 6–10.
    ip_high_value_points: int = 10
    ip_class1_points: int = 6
    ip_class2_points: int = 2
    ip_max: int = 10
    # 11. 上年度研发费用投入 (满分10分), the better of the amount and the ratio:
    #     500万元以上或10%以上 10; 400–500万元或8%-10% 8; 300–400万元或6%-8% 6; 200–300万元或4%-6% 4;
    #     100–200万元或3%-4% 2; 其他 0.
    rd_amount_bands: Bands = (
        (5 * MILLION, 10),
        (4 * MILLION, 8),
        (3 * MILLION, 6),
        (2 * MILLION, 4),
        (1 * MILLION, 2),
    )
    rd_ratio_bands: Bands = (
        (Decimal("0.10"), 10),
        (Decimal("0.08"), 8),
        (Decimal("0.06"), 6),
        (Decimal("0.04"), 4),
        (Decimal("0.03"), 2),
    )
    rd_max: int = 10
    # 12. 上年度研发人员占比 (满分5分): 20%以上 5; 10%-20% 3; 5%-10% 1; 5%以下 0. R&D staff are not recorded; S&T staff
    #     (who include them) bound the share from above: a range 0 – the S&T share's points.
    rd_staff_bands: Bands = ((Decimal("0.20"), 5), (Decimal("0.10"), 3), (Decimal("0.05"), 1))
    rd_staff_max: int = 5
    # 13. 建立研发机构级别 (满分10分): 国家级 10; 省级 8; 市级 4; 市级以下 2; 未建立 0.
    rd_institution_points: tuple[tuple[str, int], ...] = (
        ("national", 10),
        ("provincial", 8),
        ("municipal", 4),
        ("local", 2),
    )
    rd_institution_max: int = 10


@dataclass(frozen=True)
class InnovativeSmeModel:
    """创新型中小企业评价标准 (工信部企业〔2022〕63号 附件1).

    一、公告条件: 评价得分达到60分以上（其中创新能力指标得分不低于20分、成长性指标及专业化指标得分均不低于15分），
    或满足下列条件之一 (the direct routes below). 二、评价指标: 创新能力、成长性、专业化三类六个指标, 满分100分."""

    # False (the 2025 version): the score alone passes, from total revenue growth, other fields 0 points, no direct
    # routes, as the portal computed before version 2026 (CHANGELOG.md).
    as_written: bool = True
    # 一、公告条件: the score and each part's minimum.
    min_score: int = 60
    min_innovation: int = 20
    min_growth: int = 15
    min_specialisation: int = 15
    # 一、(一) 近三年内获得过国家级、省级科技奖励。
    route_award_years: int = 3
    route_award_levels: tuple[str, ...] = ("national", "provincial")
    # 一、(二) 获得高新技术企业、国家级技术创新示范企业、知识产权优势企业和知识产权示范企业等荣誉（均为有效期内）。
    #     The high-tech certificate is a qualification; the other honours are recorded achievements (honour).
    route_qualification_kinds: tuple[str, ...] = ("high_tech",)
    # 一、(三) 拥有经认定的省部级以上研发机构。 (the qualification "rd_platform" is a provincial one)
    route_rd_institution_min_level: str = "provincial"
    route_rd_platform_kinds: tuple[str, ...] = ("rd_platform",)
    # 一、(四) 近三年新增股权融资总额（合格机构投资者的实缴额）500万元以上。
    route_equity_years: int = 3
    route_equity: Decimal = 5 * MILLION

    # (一) 创新能力指标 (满分40分)
    innovation_max: int = 40
    # 1. 与企业主导产品相关的有效知识产权数量 (满分20分): I类高价值 20; 自主研发的I类 15; I类 10; II类 5; 无 0.
    #    High-value and self-developed are not known from the counts: a firm with Class I IP scores 10–20.
    ip_high_value_points: int = 20
    ip_class1_points: int = 10
    ip_class2_points: int = 5
    ip_max: int = 20
    # 2. 上年度研发费用总额占营业收入总额比重 (满分20分): 5%以上 20; 3%-5% 15; 2%-3% 10; 1%-2% 5; 1%以下 0.
    rd_revenue_bands: Bands = (
        (Decimal("0.05"), 20),
        (Decimal("0.03"), 15),
        (Decimal("0.02"), 10),
        (Decimal("0.01"), 5),
    )
    rd_max: int = 20
    # (二) 成长性指标 (满分30分)
    growth_max: int = 30
    # 3. 上年度主营业务收入增长率 (满分20分): 15%以上 20; 10%-15% 15; 5%-10% 10; 0%-5% 5; 0%以下 0.
    #    Main-business revenue, last year over the year before: V3 / V2 − 1.
    revenue_growth_bands: Bands = (
        (Decimal("0.15"), 20),
        (Decimal("0.10"), 15),
        (Decimal("0.05"), 10),
        (Decimal("0"), 5),
    )
    revenue_growth_max: int = 20
    # 4. 上年度资产负债率 (满分10分): 55%以下 10; 55%-75% 5; 75%以上 0. (upper bound, inclusive; points).
    debt_ratio_bands: Bands = ((Decimal("0.55"), 10), (Decimal("0.75"), 5))
    debt_ratio_max: int = 10
    # (三) 专业化指标 (满分30分)
    specialisation_max: int = 30
    # 5. 主导产品所属领域情况 (满分10分): 属于《战略性新兴产业分类》 10; 属于其他领域 5. The registry records the firm's
    #    high-tech field (国家重点支持的高新技术领域), the closest it holds: a firm with one scores 10, any other 5.
    field_points: int = 10
    other_field_points: int = 5
    # 6. 上年度主营业务收入总额占营业收入总额比重 (满分20分): 70%以上 20; 60%-70% 15; 55%-60% 10; 50%-55% 5; 50%以下 0.
    main_business_share_bands: Bands = (
        (Decimal("0.70"), 20),
        (Decimal("0.60"), 15),
        (Decimal("0.55"), 10),
        (Decimal("0.50"), 5),
    )
    main_business_max: int = 20


# R&D institution and award levels, from the highest down (the achievements' `level` values).
LEVELS: tuple[str, ...] = ("international", "national", "provincial", "municipal", "local")


def level_rank(level: str) -> int:
    """Higher is better: international 5 … local 1; unknown 0."""
    return len(LEVELS) - LEVELS.index(level) if level in LEVELS else 0


@dataclass(frozen=True)
class SizeClasses:
    """统计上大中小微型企业划分办法 (2017), industry: a class needs both its employee and its revenue bound."""

    large_employees: int = 1000
    large_revenue: Decimal = 400 * MILLION
    medium_employees: int = 300
    medium_revenue: Decimal = 20 * MILLION
    small_employees: int = 20
    small_revenue: Decimal = 3 * MILLION


@dataclass(frozen=True)
class TagRules:
    """Portrait tags."""

    # 临界: within this share below a threshold (e.g. 0.10: at least 90% of it).
    near_threshold_margin: Decimal = Decimal("0.10")
    # 临界 for the SME score: this many points short of passing, or fewer.
    near_sme_points: int = 10
    # 高成长: revenue growth (official formula) at or above this.
    high_growth_min: Decimal = Decimal("0.20")
    # 证书将到期: a high-tech certificate ending within this many days.
    certificate_expiring_days: int = 365


@dataclass(frozen=True)
class ReadinessBands:
    """The tier board's readiness (0–100) filter: high at or above `high_min`, middle from `mid_min`, low below."""

    high_min: int = 80
    mid_min: int = 60

    def bounds(self, band: str) -> tuple[int | None, int | None]:
        """(lowest included, highest excluded) of the band "high", "mid" or "low"; None is open."""
        return {"high": (self.high_min, None), "mid": (self.mid_min, self.high_min), "low": (None, self.mid_min)}[band]


@dataclass(frozen=True)
class WarningRules:
    """Cultivation warnings (DESIGN §4). "Expiring" reuses TagRules.certificate_expiring_days (one number, once)."""

    # A certificate ending within this many days is a high-severity warning (else medium), and the firm is reminded
    # by the channels its users chose (cultivation.reminders.certificate_expiring: one number for both).
    certificate_expiring_high_days: int = 90
    # Readiness (0–100) falling by at least this many points since the previous run, within the same tier.
    readiness_drop_points: Decimal = Decimal("15")
    # … by at least this many: high severity (else medium).
    readiness_drop_high_points: Decimal = Decimal("30")
    # Valid invention patents falling by at least this many from the previous year's indicators.
    ip_falling_min: int = 1


@dataclass(frozen=True)
class PatentValueRules:
    """High-value invention patents (高价值发明专利, DESIGN §3.4) and the value score of every IP right.

    A valid invention patent is high-value when any of the five conditions holds: in a strategic emerging industry;
    a family member granted abroad; maintained over `min_maintained_years` years (from filing); pledged for at least
    `large_pledge_amount`; a China Patent Award or a national S&T award. The value score (0–100) adds, for any right:
    `condition_points` per condition met, then up to `claims_points` (claims / `claims_full`), `remaining_life_points`
    (remaining term / whole term), `legal_status_points` (valid and held), `maintenance_points` (years maintained /
    `maintenance_full_years`) and `transaction_points` (transferred in or licensed out). The defaults sum to 100:
    5 × 10 + 15 + 10 + 10 + 5 + 10. A city may weigh them otherwise in a later rule-set version."""

    min_maintained_years: int = 10
    large_pledge_amount: Decimal = 10 * MILLION
    condition_points: Decimal = Decimal("10")
    claims_points: Decimal = Decimal("15")
    claims_full: int = 10
    remaining_life_points: Decimal = Decimal("10")
    legal_status_points: Decimal = Decimal("10")
    maintenance_points: Decimal = Decimal("5")
    maintenance_full_years: int = 20
    transaction_points: Decimal = Decimal("10")
    # Statutory terms from the filing date (专利法 2021: designs 15 years); other IP has no term here.
    term_years: tuple[tuple[str, int], ...] = (("invention", 20), ("utility_model", 10), ("design", 15))
    # Strongest patents: how many a firm's page and the decision-support list show by default.
    strongest_shown: int = 10


@dataclass(frozen=True)
class PatentWarningRules:
    """Warnings from the patent register (ip.warnings)."""

    # A right that stopped being valid or was transferred out this many days before the run, or fewer, is a loss.
    loss_window_days: int = 365
    # A valid held patent whose term ends within this many days of the run.
    term_ending_days: int = 365
    # … within this many: high severity when it is an invention patent (else medium, low for other rights).
    term_ending_high_days: int = 90
    # At most this many rights named in one warning (the firm's IP page lists all).
    named_max: int = 20


@dataclass(frozen=True)
class VoucherRules:
    """科技创新券 (DESIGN §5): the defaults copied into a new year's voucher policy, which the city then edits.

    The source document fixes only the cap (每年最高50万元); the ratios are the common practice of such schemes."""

    annual_cap_per_enterprise: Decimal = Decimal("500000")
    # Qualification kinds that make a firm eligible when valid on any day of the policy year.
    eligible_qualifications: tuple[str, ...] = ("tech_sme",)
    # (code, name, subsidy ratio, must name a registered provider), in the order the forms list them.
    default_kinds: tuple[tuple[str, str, Decimal, bool], ...] = (
        ("equipment", "仪器设备购置", Decimal("0.30"), False),
        ("result_transfer", "转化高校院所科技成果", Decimal("0.50"), True),
    )
    # Document kinds a claim must carry before it can be submitted.
    required_documents: tuple[str, ...] = ("contract", "invoice", "payment_proof")


@dataclass(frozen=True)
class CultivationTargets:
    """The city's targets for the leaders' dashboard (dashboards.DashboardTargets): the defaults of a year the city
    administrator has not set. The source document names two: 1,500 innovative enterprises (doubling again), and R&D
    activity in every above-scale industrial firm (研发全覆盖); one officer for every innovative firm (DESIGN §1)."""

    innovative_enterprises: int = 1500
    # Ratios are fractions (1 is every firm).
    rd_coverage: Decimal = Decimal("1")
    officer_coverage: Decimal = Decimal("1")


@dataclass(frozen=True)
class CultivationRules:
    """Three-tier cultivation (DESIGN §4): the bureau's own choices, not an official threshold."""

    # The key cultivation list (重点培育): "the top of each county's list is its key cultivation list" (DESIGN §4),
    # i.e. this many firms of each board tier in each county by readiness. The bureau's number; the city
    # administrator may set another in the admin (cultivation.models.CultivationSettings), which then prevails.
    key_list_size: int = 20


@dataclass(frozen=True)
class OfficerRules:
    """Chief tech service officers: the defaults of the city administrator's officer settings
    (officers.models.OfficerSettings overrides the first two when saved) and the no-service warning's severity."""

    # DESIGN §4: "an assigned firm with no service logged for 90 days" raises a warning.
    no_service_days: int = 90
    # The bureau's choice: how many firms an officer serves at most, unless set on the officer.
    default_max_load: int = 15
    # The bureau's choice: a firm unserved for this many times the threshold, or longer, is a high-severity warning
    # (else medium).
    no_service_high_factor: int = 2


@dataclass(frozen=True)
class RuleSet:
    year: int
    tech_sme: TechSmeEligibility = TechSmeEligibility()
    sme_scoring: TechSmeScoring = TechSmeScoring()
    high_tech: HighTechThresholds = HighTechThresholds()
    gazelle: GazelleCriteria = GazelleCriteria()
    srdi: SrdiCriteria = SrdiCriteria()
    srdi_model: SrdiModel = SrdiModel()
    innovative_sme: InnovativeSmeModel = InnovativeSmeModel()
    size_classes: SizeClasses = SizeClasses()
    tags: TagRules = TagRules()
    readiness_bands: ReadinessBands = ReadinessBands()
    warnings: WarningRules = WarningRules()
    patent_value: PatentValueRules = PatentValueRules()
    patent_warnings: PatentWarningRules = PatentWarningRules()
    vouchers: VoucherRules = VoucherRules()
    targets: CultivationTargets = CultivationTargets()
    cultivation: CultivationRules = CultivationRules()
    officers: OfficerRules = OfficerRules()
    # 规模以上工业企业: annual revenue at or above this amount.
    above_scale_min_revenue: Decimal = 20 * MILLION

    def high_tech_min_rd_ratio(self, latest_revenue: Decimal) -> Decimal:
        for upper, ratio in self.high_tech.rd_ratio_bands:
            if upper is None or latest_revenue <= upper:
                return ratio
        raise AssertionError("the last band has no upper bound")


# 2025: the version the portal first applied, kept as it computed (rulesets/CHANGELOG.md): the innovative-SME
# score alone, the 专精特新 candidacy on that score, the tech-based SME's two qualification routes only.
_RULESET_2025 = RuleSet(
    year=2025,
    sme_scoring=TechSmeScoring(direct_award_levels=(), direct_standard_levels=(), direct_rd_institution_min_level=""),
    srdi=SrdiCriteria(own_model=False),
    innovative_sme=InnovativeSmeModel(as_written=False, other_field_points=0),
)
# 2026: the 63号 standards and the 115号 direct routes as officially written (rulesets/CHANGELOG.md). The revised
# SME grading regime (in force 2026-04-01) changes scoring bands that a later entry will carry when the bureau
# publishes its local parameters.
_RULESET_2026 = RuleSet(year=2026)

RULESETS: dict[int, RuleSet] = {ruleset.year: ruleset for ruleset in (_RULESET_2025, _RULESET_2026)}


def get_ruleset(year: int | None = None) -> RuleSet:
    """The rule set of `year`, or the one configured in settings (settings.SCORING_RULESET_YEAR).

    The scoring run uses scoring.selectors.ruleset_in_force(), which lets the city administrator override this."""
    year = settings.SCORING_RULESET_YEAR if year is None else year
    try:
        return RULESETS[year]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(RULESETS))
        raise LookupError(f"No rule set for {year}; known versions: {known}") from None
