"""The columns of the import templates: one definition serves the template, the reader, the error report and the
export, so a header is spelled once.

Headers are data, not interface text: statistics extracts arrive with Chinese headers whatever the language of the
person uploading them, so the Chinese header is canonical and English aliases are accepted beside it.
"""

from dataclasses import dataclass, field
from enum import Enum

from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import HighTechField, QualificationKind


class CellType(Enum):
    TEXT = "text"
    CREDIT_CODE = "credit_code"
    COUNTY = "county"
    YEAR = "year"
    COUNT = "count"
    MONEY_WAN = "money_wan"  # 万元 in the file, yuan in the database
    DATE = "date"
    CHOICE = "choice"
    INDUSTRY_CODE = "industry_code"


@dataclass(frozen=True)
class Column:
    key: str  # model field (or pseudo-field) the column fills
    header: str  # canonical Chinese header
    aliases: tuple[str, ...]
    cell_type: CellType
    unit: str = ""
    explanation: object = ""  # lazily translated text for the template's explanation sheet
    required: bool = False
    max_length: int | None = None
    # For CHOICE columns: accepted spellings (normalised: stripped, case-folded) -> stored value.
    choices: dict[str, str] = field(default_factory=dict)
    # Written by exports and shown in the explanation sheet: stored value -> canonical spelling.
    choice_labels: dict[str, str] = field(default_factory=dict)

    def accepted_headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


# Official Chinese names, used in files whatever the interface language.
HIGH_TECH_FIELD_NAMES: dict[str, str] = {
    HighTechField.ELECTRONIC_INFORMATION: "电子信息",
    HighTechField.BIO_MEDICINE: "生物与新医药",
    HighTechField.AEROSPACE: "航空航天",
    HighTechField.NEW_MATERIALS: "新材料",
    HighTechField.HIGH_TECH_SERVICES: "高技术服务",
    HighTechField.NEW_ENERGY: "新能源与节能",
    HighTechField.RESOURCES_ENVIRONMENT: "资源与环境",
    HighTechField.ADVANCED_MANUFACTURING: "先进制造与自动化",
}

QUALIFICATION_KIND_NAMES: dict[str, str] = {
    QualificationKind.TECH_SME: "科技型中小企业",
    QualificationKind.HIGH_TECH: "高新技术企业",
    QualificationKind.GAZELLE: "瞪羚企业",
    QualificationKind.SRDI_PROVINCIAL: "省级专精特新中小企业",
    QualificationKind.SRDI_NATIONAL: "国家级专精特新小巨人企业",
    QualificationKind.INNOVATIVE_SME: "创新型中小企业",
    QualificationKind.RD_PLATFORM: "省级研发平台",
}
QUALIFICATION_KIND_ALIASES: dict[str, str] = {
    "科小": QualificationKind.TECH_SME,
    "科技型中小企业入库": QualificationKind.TECH_SME,
    "高企": QualificationKind.HIGH_TECH,
    "高新技术企业证书": QualificationKind.HIGH_TECH,
    "瞪羚": QualificationKind.GAZELLE,
    "专精特新中小企业": QualificationKind.SRDI_PROVINCIAL,
    "专精特新小巨人": QualificationKind.SRDI_NATIONAL,
    "小巨人": QualificationKind.SRDI_NATIONAL,
}


def _choice_map(choices: type[models.TextChoices], names: dict[str, str], aliases: dict[str, str] | None = None):
    accepted = {}
    for value, label in choices.choices:
        accepted[value.casefold()] = value
        accepted[str(label).casefold()] = value  # the English label, whatever the active language
    for value, name in names.items():
        accepted[name.casefold()] = value
    for alias, value in (aliases or {}).items():
        accepted[alias.casefold()] = value
    return accepted


CREDIT_CODE = Column(
    "credit_code",
    "统一社会信用代码",
    ("信用代码", "credit code", "credit_code", "unified social credit code"),
    CellType.CREDIT_CODE,
    explanation=_("18 characters (GB 32100-2015); the check character is verified."),
    required=True,
)
NAME = Column(
    "name",
    "企业名称",
    ("单位名称", "名称", "name", "enterprise name", "enterprise"),
    CellType.TEXT,
    explanation=_("Registered name. A name that differs from the registry's is reported as a warning."),
    required=True,
    max_length=200,
)

ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    CREDIT_CODE,
    NAME,
    Column(
        "county",
        "县区",
        ("所属县区", "县(市、区)", "county", "county code"),
        CellType.COUNTY,
        explanation=_("County name or its 6-digit code; required for a firm new to the registry."),
    ),
    Column(
        "industry_code",
        "行业代码",
        ("国民经济行业代码", "industry code", "industry_code"),
        CellType.INDUSTRY_CODE,
        explanation=_("GB/T 4754 code, starting with its 2-digit division (e.g. 3511)."),
        max_length=5,
    ),
    Column(
        "industry_name",
        "行业名称",
        ("所属行业", "industry", "industry name", "industry_name"),
        CellType.TEXT,
        explanation=_("Filled from the industry code when left empty."),
        max_length=100,
    ),
    Column(
        "high_tech_field",
        "高新技术领域",
        ("技术领域", "high-tech field", "high_tech_field"),
        CellType.CHOICE,
        explanation=_("One of the eight supported fields."),
        choices=_choice_map(HighTechField, HIGH_TECH_FIELD_NAMES),
        choice_labels=HIGH_TECH_FIELD_NAMES,
    ),
    Column(
        "founded_on",
        "成立日期",
        ("注册日期", "founded on", "founded_on"),
        CellType.DATE,
        explanation=_("A date such as 2015-03-18 or 2015年3月18日."),
    ),
    Column(
        "address",
        "地址",
        ("注册地址", "address"),
        CellType.TEXT,
        explanation=_("Registered address; an empty cell keeps the registry's."),
        max_length=200,
    ),
    Column(
        "contact_person",
        "联系人",
        ("contact person", "contact_person"),
        CellType.TEXT,
        explanation=_("Who the bureau contacts at the firm; an empty cell keeps the registry's."),
        max_length=50,
    ),
    Column(
        "contact_phone",
        "联系电话",
        ("电话", "contact phone", "contact_phone"),
        CellType.TEXT,
        explanation=_("Landline or mobile number; an empty cell keeps the registry's."),
        max_length=30,
    ),
    Column(
        "year",
        "年度",
        ("统计年度", "年份", "year"),
        CellType.YEAR,
        explanation=_(
            "The year the figures on this row belong to. Leave the row's figures empty to update the "
            "firm's details only."
        ),
    ),
    Column("employees", "从业人员", ("从业人员数", "职工人数", "employees"), CellType.COUNT, unit="人"),
    Column(
        "st_personnel",
        "科技人员",
        ("科技人员数", "S&T personnel", "st_personnel"),
        CellType.COUNT,
        unit="人",
        explanation=_("At most the number of employees."),
    ),
    Column("revenue", "营业收入", ("营业收入(万元)", "revenue"), CellType.MONEY_WAN, unit="万元"),
    Column(
        "main_business_revenue",
        "主营业务收入",
        ("主营业务收入(万元)", "main-business revenue", "main_business_revenue"),
        CellType.MONEY_WAN,
        unit="万元",
    ),
    Column(
        "total_costs",
        "成本费用总额",
        ("成本费用总额(万元)", "total costs", "total_costs"),
        CellType.MONEY_WAN,
        unit="万元",
    ),
    Column("rd_expense", "研发费用", ("研发费用(万元)", "R&D expense", "rd_expense"), CellType.MONEY_WAN, unit="万元"),
    Column(
        "rd_expense_domestic",
        "境内研发费用",
        ("境内研发费用(万元)", "domestic R&D expense", "rd_expense_domestic"),
        CellType.MONEY_WAN,
        unit="万元",
        explanation=_("At most the R&D expense."),
    ),
    Column(
        "high_tech_revenue",
        "高新技术产品收入",
        ("高新技术产品(服务)收入", "高新技术产品收入(万元)", "high-tech revenue", "high_tech_revenue"),
        CellType.MONEY_WAN,
        unit="万元",
    ),
    Column(
        "total_assets", "资产总额", ("资产总额(万元)", "total assets", "total_assets"), CellType.MONEY_WAN, unit="万元"
    ),
    Column(
        "total_liabilities",
        "负债总额",
        ("负债总额(万元)", "total liabilities", "total_liabilities"),
        CellType.MONEY_WAN,
        unit="万元",
    ),
    Column(
        "invention_patents",
        "发明专利",
        ("发明专利数", "invention patents", "invention_patents"),
        CellType.COUNT,
        unit="件",
    ),
    Column(
        "other_class1_ip",
        "其他I类知识产权",
        ("其他Ⅰ类知识产权", "other Class I IP", "other_class1_ip"),
        CellType.COUNT,
        unit="件",
        explanation=_("Plant varieties, new drugs, IC layouts."),
    ),
    Column(
        "utility_models", "实用新型专利", ("实用新型", "utility models", "utility_models"), CellType.COUNT, unit="件"
    ),
    Column("designs", "外观设计专利", ("外观设计", "designs"), CellType.COUNT, unit="件"),
    Column(
        "software_copyrights",
        "软件著作权",
        ("软著", "software copyrights", "software_copyrights"),
        CellType.COUNT,
        unit="件",
    ),
    Column(
        "results_converted",
        "成果转化数",
        ("科技成果转化数", "results converted", "results_converted"),
        CellType.COUNT,
        unit="项",
    ),
)

QUALIFICATION_COLUMNS: tuple[Column, ...] = (
    CREDIT_CODE,
    Column(
        "name",
        "企业名称",
        NAME.aliases,
        CellType.TEXT,
        explanation=_("Optional; checked against the registry's name (warning only)."),
        max_length=200,
    ),
    Column(
        "kind",
        "资质类型",
        ("资质", "qualification", "kind"),
        CellType.CHOICE,
        explanation=_("The kind of qualification."),
        required=True,
        choices=_choice_map(QualificationKind, QUALIFICATION_KIND_NAMES, QUALIFICATION_KIND_ALIASES),
        choice_labels=QUALIFICATION_KIND_NAMES,
    ),
    Column(
        "number",
        "证书编号",
        ("编号", "登记编号", "number", "certificate number"),
        CellType.TEXT,
        explanation=_("Certificate or registration number, as issued."),
        max_length=50,
    ),
    Column(
        "valid_from", "有效期起", ("发证日期", "认定日期", "valid from", "valid_from"), CellType.DATE, required=True
    ),
    Column(
        "valid_to",
        "有效期止",
        ("有效期至", "valid to", "valid_to"),
        CellType.DATE,
        required=True,
        explanation=_("Not before the start of validity."),
    ),
)

# Figures that make up one year of indicators, in template order.
INDICATOR_COLUMNS: tuple[Column, ...] = tuple(
    c for c in ENTERPRISE_COLUMNS if c.cell_type in (CellType.COUNT, CellType.MONEY_WAN)
)
# Registry details a row may carry; an empty cell leaves the registry's value as it is.
FIRM_DETAIL_COLUMNS: tuple[Column, ...] = tuple(
    c
    for c in ENTERPRISE_COLUMNS
    if c.key
    in ("industry_code", "industry_name", "high_tech_field", "founded_on", "address", "contact_person", "contact_phone")
)


def normalise_header(text: object) -> str:
    """Headers compare without spaces, case, full-width forms or a trailing unit in brackets."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", str(text or "")).strip().casefold()
    folded = "".join(folded.split())
    return folded.replace("（", "(").replace("）", ")")


def header_lookup(columns: tuple[Column, ...]) -> dict[str, Column]:
    lookup = {}
    for column in columns:
        for header in column.accepted_headers():
            lookup[normalise_header(header)] = column
            if column.unit:
                lookup[normalise_header(f"{header}({column.unit})")] = column
    return lookup
