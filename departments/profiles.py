"""What each department list can supply (its fields, in code: their kinds of cell) and the default mapping profile of
each (data: the headers, units and spellings the department uses today, seeded into MappingProfile). A profile
chooses which fields a list supplies and under which headers; the import builds its columns from it at each use.
"""

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from enterprises.importing.columns import CREDIT_CODE, NAME, CellType, Column
from enterprises.models import DepartmentList, RegistrationStatus

UNITS = {"元": Decimal(10000), "千元": Decimal(10), "万元": Decimal(1)}  # divisor of the value read as 万元
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    cell_type: CellType
    required: bool = False
    max_length: int | None = None
    unit: str = ""  # a count's unit (人, 件)
    money: bool = False  # 元 / 千元 / 万元, converted to yuan
    choices: dict = field(default_factory=dict)  # spelling (case-folded) -> value
    choice_labels: dict = field(default_factory=dict)


REGISTRATION_STATUS_SPELLINGS = {
    "存续": RegistrationStatus.ACTIVE,
    "在业": RegistrationStatus.ACTIVE,
    "开业": RegistrationStatus.ACTIVE,
    "在营": RegistrationStatus.ACTIVE,
    "存续(在营、开业、在册)": RegistrationStatus.ACTIVE,
    "迁出": RegistrationStatus.MOVED_OUT,
    "吊销": RegistrationStatus.REVOKED,
    "吊销,未注销": RegistrationStatus.REVOKED,
    "注销": RegistrationStatus.DEREGISTERED,
}
REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.ACTIVE: "存续",
    RegistrationStatus.MOVED_OUT: "迁出",
    RegistrationStatus.REVOKED: "吊销",
    RegistrationStatus.DEREGISTERED: "注销",
}


def _money(key):
    return FieldSpec(key, CellType.MONEY_WAN, money=True)


def _count(key, unit="人"):
    return FieldSpec(key, CellType.COUNT, unit=unit)


YEAR = FieldSpec("year", CellType.YEAR)
FIGURES = {
    "employees": _count("employees"),
    "st_personnel": _count("st_personnel"),
    **{k: _money(k) for k in ("revenue", "main_business_revenue", "total_costs", "rd_expense", "rd_expense_domestic",
                              "high_tech_revenue", "total_assets", "total_liabilities")},
    **{k: _count(k, "件") for k in ("invention_patents", "other_class1_ip", "utility_models", "designs",
                                    "software_copyrights")},
    "results_converted": _count("results_converted", "项"),
}  # fmt: skip


def _firm_fields():
    return (
        FieldSpec("credit_code", CellType.CREDIT_CODE, required=True),
        FieldSpec("name", CellType.TEXT, max_length=200),
    )


LIST_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    DepartmentList.MARKET_REGISTRATION: (
        *_firm_fields(),
        FieldSpec("founded_on", CellType.DATE),
        FieldSpec(
            "registration_status",
            CellType.CHOICE,
            choices={k.casefold(): v for k, v in REGISTRATION_STATUS_SPELLINGS.items()},
            choice_labels=REGISTRATION_STATUS_LABELS,
        ),
        FieldSpec("address", CellType.TEXT, max_length=200),
        FieldSpec("legal_representative", CellType.TEXT, max_length=50),
        _money("registered_capital"),
        FieldSpec("industry_code", CellType.INDUSTRY_CODE, max_length=5),
        FieldSpec("registration_authority", CellType.TEXT, max_length=100),
        FieldSpec("county_name", CellType.TEXT, max_length=100),
    ),
    DepartmentList.STATISTICS: (*_firm_fields(), YEAR, *FIGURES.values()),
    DepartmentList.TAX_RD_DEDUCTION: (*_firm_fields(), YEAR, *FIGURES.values()),
    DepartmentList.TAX_HIGH_TECH: (*_firm_fields(), YEAR, *FIGURES.values()),
    DepartmentList.SCIENCE_TECH_SME: (
        *_firm_fields(),
        FieldSpec("number", CellType.TEXT, required=True, max_length=50),
        YEAR,
        FieldSpec("valid_from", CellType.DATE),
    ),
    DepartmentList.SCIENCE_HIGH_TECH: (
        *_firm_fields(),
        FieldSpec("number", CellType.TEXT, required=True, max_length=50),
        FieldSpec("valid_from", CellType.DATE, required=True),
    ),
    # The patent office's export: the ip register's columns (ip.importing), under the office's headers.
    DepartmentList.PATENTS: (),
}

# The layouts the departments issue today (seeded by departments/migrations/0002; edited in the admin site).
DEFAULT_PROFILES: dict[str, dict] = {
    DepartmentList.MARKET_REGISTRATION: {
        "source_name": "市场监管登记信息",
        "columns": {
            "credit_code": ["统一社会信用代码", "信用代码", "社会信用代码"],
            "name": ["企业名称", "名称", "市场主体名称"],
            "founded_on": ["成立日期", "注册日期"],
            "registration_status": ["登记状态", "经营状态", "企业状态"],
            "address": ["住所", "地址", "经营场所"],
            "legal_representative": ["法定代表人", "法定代表人(负责人)", "负责人"],
            "registered_capital": ["注册资本", "注册资金"],
            "industry_code": ["行业代码", "国民经济行业代码"],
            "registration_authority": ["登记机关"],
            "county_name": ["所属县区", "县区", "行政区划"],
        },
        "units": {"registered_capital": "万元"},
        "values": {"registration_status": {"在册": "active", "已迁出": "moved_out", "已吊销": "revoked",
                                           "已注销": "deregistered"}},
        "not_used": ["企业类型", "经营范围", "核准日期", "营业期限自", "营业期限至"],
    },
    DepartmentList.STATISTICS: {
        "source_name": "统计部门规上企业及107-1表",
        "columns": {
            "credit_code": ["统一社会信用代码", "社会信用代码", "组织机构代码(统一社会信用代码)"],
            "name": ["单位详细名称", "单位名称", "企业名称"],
            "year": ["统计年度", "报告期", "年度"],
            "employees": ["从业人员期末人数", "从业人员平均人数", "从业人员"],
            "revenue": ["营业收入"],
            "main_business_revenue": ["主营业务收入"],
            "total_assets": ["资产总计", "资产总额"],
            "total_liabilities": ["负债合计", "负债总额"],
            "rd_expense": ["研究开发费用合计", "研发费用合计"],
            "invention_patents": ["期末有效发明专利数", "有效发明专利数"],
        },
        "units": {k: "千元" for k in ("revenue", "main_business_revenue", "total_assets", "total_liabilities",
                                      "rd_expense")},
        "values": {},
        # Statistical concepts with no registry field of the same meaning.
        "not_used": ["研究开发人员合计", "研发经费内部支出", "新产品销售收入", "工业总产值", "利润总额",
                     "行业代码", "规模"],
    },
    DepartmentList.TAX_RD_DEDUCTION: {
        "source_name": "税务研发费用加计扣除(A107012)",
        "columns": {
            "credit_code": ["纳税人识别号", "统一社会信用代码", "纳税人识别号(统一社会信用代码)"],
            "name": ["纳税人名称", "企业名称"],
            "year": ["所属年度", "税款所属期", "年度"],
            "rd_expense": ["研发活动费用合计", "研发费用合计", "自主研发、合作研发、集中研发费用合计"],
        },
        "units": {"rd_expense": "元"},
        "values": {},
        "not_used": ["可加计扣除的研发费用合计", "本年研发费用加计扣除总额", "加计扣除比例", "委托境外研发费用"],
    },
    DepartmentList.TAX_HIGH_TECH: {
        "source_name": "税务高新技术企业优惠明细(A107041)",
        "columns": {
            "credit_code": ["纳税人识别号", "统一社会信用代码"],
            "name": ["纳税人名称", "企业名称"],
            "year": ["所属年度", "年度"],
            "high_tech_revenue": ["高新技术产品(服务)收入", "高新技术产品收入"],
            "employees": ["职工总数", "本年职工总数"],
            "st_personnel": ["科技人员数", "从事研发和相关技术创新活动的科技人员数"],
            "rd_expense": ["本年研发费用金额", "本年研发费用"],
            "rd_expense_domestic": ["其中:境内研发费用", "境内研发费用"],
        },
        "units": {"high_tech_revenue": "元", "rd_expense": "元", "rd_expense_domestic": "元"},
        "values": {},
        "not_used": ["收入总额", "近三年研发费用合计", "近三年收入总额", "减免税额", "高新技术企业证书编号"],
    },
    DepartmentList.SCIENCE_TECH_SME: {
        "source_name": "科技型中小企业入库登记公告",
        "columns": {
            "credit_code": ["统一社会信用代码", "信用代码"],
            "name": ["企业名称"],
            "number": ["入库登记编号", "登记编号"],
            "year": ["年度", "入库年度"],
            "valid_from": ["入库日期", "公告日期"],
        },
        "units": {},
        "values": {},
        "not_used": ["序号", "所在地区", "批次"],
    },
    DepartmentList.SCIENCE_HIGH_TECH: {
        "source_name": "高新技术企业认定名单",
        "columns": {
            "credit_code": ["统一社会信用代码", "信用代码"],
            "name": ["企业名称"],
            "number": ["证书编号", "高新技术企业证书编号"],
            "valid_from": ["发证日期", "认定日期", "发证时间"],
        },
        "units": {},
        "values": {},
        "not_used": ["序号", "所在地区", "批次", "技术领域"],
    },
    DepartmentList.PATENTS: {
        "source_name": "知识产权部门专利清单",
        "columns": {
            "credit_code": ["专利权人统一社会信用代码", "权利人统一社会信用代码", "统一社会信用代码"],
            "name": ["专利权人", "申请(专利权)人", "权利人"],
            "number": ["申请号", "专利号"],
            "kind": ["专利类型", "类型"],
            "title": ["发明名称", "专利名称", "名称"],
            "filed_on": ["申请日"],
            "granted_on": ["授权公告日", "授权日"],
            "legal_status": ["法律状态", "当前法律状态"],
            "status_on": ["法律状态公告日", "失效日期"],
            "ipc": ["主分类号", "IPC主分类号"],
        },
        "units": {},
        "values": {"legal_status": {"有权": "valid", "专利权维持": "valid", "授权": "valid",
                                    "未缴年费专利权终止": "lapsed", "无权": "lapsed", "专利权终止": "lapsed",
                                    "期限届满": "expired", "全部无效": "invalidated"}},
        "not_used": ["序号", "公开(公告)号", "代理机构", "发明人"],
    },
}  # fmt: skip


def list_fields(department_list: str) -> tuple[FieldSpec, ...]:
    if department_list == DepartmentList.PATENTS:
        from ip.importing import PATENT_COLUMNS

        return tuple(
            FieldSpec(
                c.key,
                c.cell_type,
                required=c.required,
                max_length=c.max_length,
                unit=c.unit if c.cell_type is CellType.COUNT else "",
                money=c.cell_type is CellType.MONEY_WAN,
                choices=c.choices,
                choice_labels=c.choice_labels,
            )
            for c in PATENT_COLUMNS
        )
    return LIST_FIELDS[department_list]


def profile_problems(profile) -> list[str]:
    """What is wrong with a profile, in words (the admin's form shows them); empty when it can be used."""
    problems = []
    specs = {s.key: s for s in list_fields(profile.department_list)}
    columns = profile.columns if isinstance(profile.columns, dict) else None
    if columns is None:
        return [_("The columns must map each field to a list of headers.")]
    for key, headers in columns.items():
        if key not in specs:
            problems.append(_("“%(field)s” is not a field this list can supply.") % {"field": key})
        elif not isinstance(headers, list) or not headers or not all(isinstance(h, str) and h for h in headers):
            problems.append(_("“%(field)s”: give a list of one or more headers.") % {"field": key})
    for key in (s.key for s in specs.values() if s.required):
        if key not in columns:
            problems.append(_("“%(field)s” must be mapped: the list cannot be read without it.") % {"field": key})
    for key, unit in (profile.units or {}).items():
        if key not in specs or not specs[key].money:
            problems.append(_("“%(field)s” is not a money field; only money fields take a unit.") % {"field": key})
        elif unit not in UNITS:
            problems.append(_("“%(field)s”: the unit must be 元, 千元 or 万元.") % {"field": key})
    for key, spellings in (profile.values or {}).items():
        spec = specs.get(key)
        if spec is None or spec.cell_type is not CellType.CHOICE or not isinstance(spellings, dict):
            problems.append(_("“%(field)s” takes no value spellings.") % {"field": key})
            continue
        allowed = set(spec.choices.values())
        for spelling, value in spellings.items():
            if value not in allowed:
                problems.append(
                    _("“%(field)s”: “%(spelling)s” means an unknown value “%(value)s”.")
                    % {"field": key, "spelling": spelling, "value": value}
                )
    return problems


def money_header_unit(header: str) -> str | None:
    """The unit written in a header such as 营业收入(千元) or 注册资本（万元）, or None."""
    from enterprises.importing.columns import normalise_header

    folded = normalise_header(header)
    for unit in UNITS:
        if folded.endswith(f"({unit})"):
            return unit
    return None


def columns_from_profile(profile, *, base: dict[str, Column] | None = None) -> tuple[Column, ...]:
    """The importer's columns for a profile: one per field it maps, read under its headers. A money field accepts
    its headers with any of the three units written after them; `base` (the ip register's columns) gives the rest
    of a column (its explanation, choices) where the list reuses another kind's columns."""
    specs = {s.key: s for s in list_fields(profile.department_list)}
    columns = []
    for key, spec in specs.items():  # in the list's own order (a JSON column keeps no order of keys)
        headers = profile.columns.get(key)
        if not headers:
            continue
        aliases = list(headers[1:])
        if spec.money:
            aliases += [f"{h}({unit})" for h in headers for unit in UNITS]
        choices = dict(spec.choices)
        for spelling, value in (profile.values or {}).get(key, {}).items():
            choices[spelling.casefold()] = value
        if key == "credit_code":
            columns.append(replace(CREDIT_CODE, header=headers[0], aliases=tuple(aliases)))
            continue
        if key == "name" and base is None:
            columns.append(replace(NAME, header=headers[0], aliases=tuple(aliases), required=False))
            continue
        if base is not None and key in base:
            column = replace(base[key], header=headers[0], aliases=tuple(aliases), choices=choices)
        else:
            column = Column(
                key,
                headers[0],
                tuple(aliases),
                spec.cell_type,
                unit=spec.unit,
                required=spec.required,
                max_length=spec.max_length,
                choices=choices,
                choice_labels=spec.choice_labels,
            )
        columns.append(column)
    return tuple(columns)


def to_yuan(values: list[str], unit: str) -> list[str]:
    """Money read as 万元 (the reader's yuan) turned into yuan of the list's real unit, exactly (Decimal, half up)."""
    divisor = UNITS[unit]
    if divisor == 1:
        return values
    return [str((Decimal(v) / divisor).quantize(CENT, rounding=ROUND_HALF_UP)) if v else "" for v in values]
