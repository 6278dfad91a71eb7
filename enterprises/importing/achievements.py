"""Achievements (enterprises.models.Achievement) as a kind of the registry's importer: standards, awards with rank,
equity rounds, R&D institutions with level, honours, quality awards and certifications, brands, digitalisation
levels and Makers China placings. Rows are matched by (credit code, kind, title, date): an existing row is updated,
a new one added. Each kind must carry what its rule reads (ACHIEVEMENT_NEEDS): a row missing it names the column."""

import datetime

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.importing.columns import CREDIT_CODE, NAME, CellType, Column, _choice_map
from enterprises.importing.committing import NEW, UNCHANGED, UPDATED, Plan, _counts
from enterprises.importing.kinds import ImportKind
from enterprises.importing.validation import flag_repeats
from enterprises.models import ACHIEVEMENT_NEEDS, Achievement, AchievementKind, AchievementLevel, AchievementRole

KIND_NAMES = {
    AchievementKind.STANDARD: "标准制修订",
    AchievementKind.AWARD: "科技奖励",
    AchievementKind.EQUITY: "股权融资",
    AchievementKind.RD_INSTITUTION: "研发机构",
    AchievementKind.HONOUR: "创新荣誉",
    AchievementKind.QUALITY_AWARD: "质量奖",
    AchievementKind.QUALITY_CERTIFICATION: "质量管理体系认证",
    AchievementKind.BRAND: "自主品牌",
    AchievementKind.DIGITAL_LEVEL: "数字化水平",
    AchievementKind.MAKERS_CHINA: "创客中国",
}
KIND_ALIASES = {"标准": AchievementKind.STANDARD, "奖励": AchievementKind.AWARD, "融资": AchievementKind.EQUITY,
                "荣誉": AchievementKind.HONOUR, "品牌": AchievementKind.BRAND,
                "ISO9001": AchievementKind.QUALITY_CERTIFICATION}  # fmt: skip
LEVEL_NAMES = {
    AchievementLevel.INTERNATIONAL: "国际",
    AchievementLevel.NATIONAL: "国家级",
    AchievementLevel.INDUSTRY: "行业",
    AchievementLevel.PROVINCIAL: "省级",
    AchievementLevel.MUNICIPAL: "市级",
    AchievementLevel.LOCAL: "市级以下",
    AchievementLevel.GROUP: "团体",
}
LEVEL_ALIASES = {"国家": AchievementLevel.NATIONAL, "省部级": AchievementLevel.PROVINCIAL,
                 "省": AchievementLevel.PROVINCIAL, "市": AchievementLevel.MUNICIPAL,
                 "县级": AchievementLevel.LOCAL, "团体标准": AchievementLevel.GROUP}  # fmt: skip
ROLE_NAMES = {AchievementRole.LED: "主导", AchievementRole.PARTICIPATED: "参与"}
ROLE_ALIASES = {"主持": AchievementRole.LED, "牵头": AchievementRole.LED, "参编": AchievementRole.PARTICIPATED}

ACHIEVEMENT_COLUMNS: tuple[Column, ...] = (
    CREDIT_CODE,
    Column("name", "企业名称", NAME.aliases, CellType.TEXT, max_length=200,
           explanation=gettext_lazy("Optional; checked against the registry's name (warning only).")),
    Column("kind", "成果类型", ("类型", "kind"), CellType.CHOICE, required=True,
           choices=_choice_map(AchievementKind, KIND_NAMES, KIND_ALIASES), choice_labels=KIND_NAMES,
           explanation=gettext_lazy("What the row records; each kind needs the columns the rules read (see below).")),
    Column("title", "名称", ("成果名称", "标准名称", "奖项名称", "title"), CellType.TEXT, required=True, max_length=200,
           explanation=gettext_lazy("The standard's, award's, institution's or honour's name; for a financing "
                                    "round, the round (e.g. A轮).")),
    Column("level", "级别", ("层级", "level"), CellType.CHOICE,
           choices=_choice_map(AchievementLevel, LEVEL_NAMES, LEVEL_ALIASES), choice_labels=LEVEL_NAMES,
           explanation=gettext_lazy("Required for standards, awards, R&D institutions and quality awards.")),
    Column("role", "角色", ("制定角色", "role"), CellType.CHOICE,
           choices=_choice_map(AchievementRole, ROLE_NAMES, ROLE_ALIASES), choice_labels=ROLE_NAMES,
           explanation=gettext_lazy("Standards: 主导 (led) or 参与 (took part).")),
    Column("rank", "排名", ("获奖排名", "单位排名", "rank"), CellType.COUNT, unit="名",
           explanation=gettext_lazy("Awards: the firm's place among the winning units (1 is first); Makers China: "
                                    "the placing.")),
    Column("amount", "融资金额", ("实缴金额", "amount"), CellType.MONEY_WAN, unit="万元",
           explanation=gettext_lazy("Equity rounds: the amount paid in by qualified institutional investors.")),
    Column("grade", "等级", ("数字化等级", "grade"), CellType.COUNT, unit="级",
           explanation=gettext_lazy("Digitalisation level: 1, 2, 3 or higher.")),
    Column("achieved_on", "取得日期", ("日期", "发布日期", "获奖日期", "到账日期", "认定日期", "achieved on",
                                   "achieved_on"), CellType.DATE, required=True,
           explanation=gettext_lazy("When it was won, published, paid in or recognised.")),
    Column("valid_to", "有效期至", ("有效期", "valid to", "valid_to"), CellType.DATE,
           explanation=gettext_lazy("For what expires (honours, certifications, institutions); empty if it does "
                                    "not.")),
    Column("reference", "文号", ("证书编号", "标准号", "reference"), CellType.TEXT, max_length=100),
)  # fmt: skip

FIELDS = ("level", "role", "rank", "amount", "grade", "valid_to", "reference")
NEED_HEADERS = {"level": "级别", "role": "角色", "rank": "排名", "amount": "融资金额", "grade": "等级"}


def check_rows(checker, frame: pd.DataFrame, present: list[str]) -> None:
    for name in ("level", "role", "amount", "valid_to", "reference"):
        if name not in frame:
            frame[name] = ""
    for name in ("rank", "grade"):
        if name not in frame:
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    achieved, valid_to = frame["achieved_on"], frame["valid_to"]
    checker.flag(
        achieved.ne("") & (achieved > checker.context.today.isoformat()),
        "achieved_on",
        achieved,
        _("The date lies in the future."),
        code="date.future",
    )
    checker.flag(
        achieved.ne("") & valid_to.ne("") & (valid_to < achieved),
        "valid_to",
        valid_to,
        lambda i: _("Valid to comes before the date achieved (%(date)s).") % {"date": achieved.iat[i]},
        code="dates.reversed",
    )
    for kind, needs in ACHIEVEMENT_NEEDS.items():
        of_kind = frame["kind"].eq(kind)
        for name in needs:
            missing = frame[name].isna() if name in ("rank", "grade") else frame[name].eq("")
            checker.flag(
                of_kind & missing,
                name,
                frame[name].astype(str).replace("<NA>", ""),
                _("A row of kind %(kind)s needs the column %(column)s.")
                % {"kind": KIND_NAMES[kind], "column": NEED_HEADERS[name]},
                code="required",
            )
    checker.flag(
        frame["rank"].notna() & frame["rank"].fillna(1).lt(1),
        "rank",
        frame["rank"].astype(str),
        _("A rank starts at 1."),
        code="number.invalid",
    )
    flag_repeats(
        checker,
        frame,
        frame[["credit_code", "kind", "title", "achieved_on"]],
        key="title",
        message=_("The same firm, kind, name and date already appear on row %(first)d."),
    )


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def plan(frame: pd.DataFrame, present: list[str]) -> Plan:
    frame = frame.assign(enterprise_id=frame["enterprise_id"].astype("Int64"))
    ids = sorted(set(frame["enterprise_id"].astype(int)))
    stored = []
    for start in range(0, len(ids), 5000):
        stored.extend(
            Achievement.objects.filter(enterprise_id__in=ids[start : start + 5000])
            .order_by()
            .values_list("enterprise_id", "kind", "title", "achieved_on", *FIELDS)
        )
    current = pd.DataFrame(
        [[_text(v) if i >= 3 else v for i, v in enumerate(row)] for row in stored],
        columns=["enterprise_id", "kind", "title", "achieved_on", *[f"{f}__db" for f in FIELDS]],
    )
    current["enterprise_id"] = current["enterprise_id"].astype("Int64")
    joined = frame.merge(current, on=["enterprise_id", "kind", "title", "achieved_on"], how="left", indicator=True)
    joined.index = frame.index
    differs = pd.Series(False, index=frame.index)
    for name in FIELDS:
        differs |= joined[name].map(_text).ne(joined[f"{name}__db"].fillna(""))
    status = pd.Series(UNCHANGED, index=frame.index)
    status[differs] = UPDATED
    status[joined["_merge"].eq("left_only")] = NEW
    rows = frame.loc[status.ne(UNCHANGED), ["enterprise_id", "kind", "title", "achieved_on", *FIELDS]]
    return Plan(counts=_counts(status, 0), rows_to_write=rows)


def apply(plan: Plan, *, progress) -> None:
    records = plan.rows_to_write.to_dict("records")
    total = len(records)
    for start in range(0, total, 2000):
        batch = [
            Achievement(
                enterprise_id=int(r["enterprise_id"]),
                kind=r["kind"],
                title=r["title"],
                achieved_on=r["achieved_on"],
                level=r["level"],
                role=r["role"],
                rank=None if pd.isna(r["rank"]) else int(r["rank"]),
                amount=r["amount"] or None,
                grade=None if pd.isna(r["grade"]) else int(r["grade"]),
                valid_to=r["valid_to"] or None,
                reference=r["reference"],
            )
            for r in records[start : start + 2000]
        ]
        Achievement.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["enterprise", "kind", "title", "achieved_on"],
            update_fields=[*FIELDS, "updated_at"],
        )
        progress(min(start + 2000, total) / total)
    progress(1.0)


ACHIEVEMENT_IMPORT_KIND = ImportKind(
    key="achievements",
    columns=ACHIEVEMENT_COLUMNS,
    data_sheet="成果",
    template_file_name="成果导入模板.xlsx",
    check_rows=check_rows,
    plan=plan,
    apply=apply,
    notes=(
        gettext_lazy(
            "One row per achievement. Rows are matched by credit code, kind, name and date: an existing row is "
            "updated, a new one added. Standards need 级别 and 角色; awards 级别 and 排名; equity rounds 融资金额; "
            "R&D institutions and quality awards 级别; digitalisation levels 等级; Makers China placings 排名."
        ),
    ),
)
