"""The patent register as a kind of the registry's importer (enterprises.importing): its columns, its row checks,
and how a checked file is planned and written. Rows are matched by (credit code, number): an existing row is
updated, a new one added; a column the file leaves out keeps the register's values."""

import re
import unicodedata

import numpy as np
import pandas as pd
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.importing.columns import CREDIT_CODE, NAME, CellType, Column, _choice_map
from enterprises.importing.committing import NEW, UNCHANGED, UPDATED, Plan, _counts, uses_postgresql
from enterprises.importing.kinds import ImportKind
from enterprises.importing.validation import flag_repeats
from ip.models import PATENT_KINDS, Award, IpKind, LegalStatus, Patent

IP_KIND_NAMES = {
    IpKind.INVENTION: "发明专利",
    IpKind.UTILITY_MODEL: "实用新型专利",
    IpKind.DESIGN: "外观设计专利",
    IpKind.SOFTWARE_COPYRIGHT: "软件著作权",
    IpKind.PLANT_VARIETY: "植物新品种",
    IpKind.NEW_DRUG: "新药",
    IpKind.IC_LAYOUT: "集成电路布图设计",
    IpKind.OTHER: "其他知识产权",
}
IP_KIND_ALIASES = {"发明": IpKind.INVENTION, "实用新型": IpKind.UTILITY_MODEL, "外观设计": IpKind.DESIGN,
                   "软著": IpKind.SOFTWARE_COPYRIGHT, "计算机软件著作权": IpKind.SOFTWARE_COPYRIGHT}  # fmt: skip
LEGAL_STATUS_NAMES = {
    LegalStatus.VALID: "有效",
    LegalStatus.LAPSED: "未缴年费终止",
    LegalStatus.EXPIRED: "期限届满",
    LegalStatus.INVALIDATED: "被宣告无效",
}
LEGAL_STATUS_ALIASES = {"授权": LegalStatus.VALID, "维持": LegalStatus.VALID, "失效": LegalStatus.LAPSED,
                        "终止": LegalStatus.LAPSED, "届满": LegalStatus.EXPIRED, "期满终止": LegalStatus.EXPIRED,
                        "无效": LegalStatus.INVALIDATED}  # fmt: skip
AWARD_NAMES = {Award.CHINA_PATENT: "中国专利奖", Award.NATIONAL_ST: "国家科学技术奖"}
AWARD_ALIASES = {"中国专利金奖": Award.CHINA_PATENT, "中国专利银奖": Award.CHINA_PATENT,
                 "中国专利优秀奖": Award.CHINA_PATENT, "国家科技奖": Award.NATIONAL_ST,
                 "国家科技进步奖": Award.NATIONAL_ST, "国家技术发明奖": Award.NATIONAL_ST,
                 "国家自然科学奖": Award.NATIONAL_ST}  # fmt: skip
YES, NO = "t", "f"
YES_NO = {"是": YES, "否": NO, "yes": YES, "no": NO, "y": YES, "n": NO, "true": YES, "false": NO, "1": YES, "0": NO}
# CN patent and application numbers: 8 or 12 digits and a check character, with or without the dot and a ZL prefix.
PATENT_NUMBER = re.compile(r"(?a)(?:\d{8}|\d{12})\.?[\dX]")


def _date(key, header, aliases, explanation, required=False):
    return Column(key, header, aliases, CellType.DATE, explanation=explanation, required=required)


PATENT_COLUMNS: tuple[Column, ...] = (
    CREDIT_CODE,
    Column("name", "企业名称", NAME.aliases, CellType.TEXT, max_length=200,
           explanation=gettext_lazy("Optional; checked against the registry's name (warning only).")),
    Column("number", "专利号", ("登记号", "专利(登记)号", "申请号", "number", "patent number"), CellType.TEXT,
           required=True, max_length=30,
           explanation=gettext_lazy("Patent number (e.g. ZL202010123456.7) or registration number; unique per "
                                    "firm, and held by one firm at a time.")),
    Column("kind", "知识产权类型", ("类型", "专利类型", "kind"), CellType.CHOICE, required=True,
           choices=_choice_map(IpKind, IP_KIND_NAMES, IP_KIND_ALIASES), choice_labels=IP_KIND_NAMES,
           explanation=gettext_lazy("Invention patents, plant varieties, new drugs and IC layouts are Class I; "
                                    "utility models, designs and software copyrights Class II.")),
    Column("title", "知识产权名称", ("专利名称", "发明名称", "title"), CellType.TEXT, required=True, max_length=200),
    _date("filed_on", "申请日", ("申请日期", "filed on", "filed_on"), gettext_lazy("Filing date."), required=True),
    _date("granted_on", "授权日", ("授权日期", "授权公告日", "登记日期", "granted on", "granted_on"),
          gettext_lazy("Grant (or registration) date; not before the filing date.")),
    Column("legal_status", "法律状态", ("状态", "legal status", "legal_status"), CellType.CHOICE, required=True,
           choices=_choice_map(LegalStatus, LEGAL_STATUS_NAMES, LEGAL_STATUS_ALIASES),
           choice_labels=LEGAL_STATUS_NAMES),
    _date("status_on", "失效日期", ("终止日期", "状态日期", "status since", "status_on"),
          gettext_lazy("Required unless the right is valid: the day it stopped being valid.")),
    Column("claims", "权利要求数", ("权利要求项数", "claims"), CellType.COUNT, unit="项"),
    Column("ipc", "IPC分类号", ("主分类号", "IPC", "ipc"), CellType.TEXT, max_length=20),
    Column("strategic_emerging", "战略性新兴产业", ("属于战略性新兴产业", "strategic emerging", "strategic_emerging"),
           CellType.CHOICE, choices=YES_NO, choice_labels={YES: "是", NO: "否"},
           explanation=gettext_lazy("是 or 否; empty is 否.")),
    Column("foreign_family_granted", "海外同族授权数", ("海外授权同族数", "foreign family granted",
                                                   "foreign_family_granted"), CellType.COUNT, unit="件"),
    Column("pledged_amount", "质押融资金额", ("质押金额", "pledged amount", "pledged_amount"), CellType.MONEY_WAN,
           unit="万元"),
    Column("award", "获奖情况", ("奖项", "award"), CellType.CHOICE,
           choices=_choice_map(Award, AWARD_NAMES, AWARD_ALIASES), choice_labels=AWARD_NAMES,
           explanation=gettext_lazy("China Patent Award (any grade) or a national S&T award; empty if none.")),
    _date("acquired_on", "转入日期", ("受让日期", "transferred in on", "acquired_on"),
          gettext_lazy("When the firm acquired the right by transfer, if it did.")),
    Column("acquired_from", "转让人", ("原权利人", "transferred in from", "acquired_from"), CellType.TEXT,
           max_length=200),
    _date("transferred_out_on", "转出日期", ("transferred out on", "transferred_out_on"),
          gettext_lazy("When the firm transferred the right out: it then no longer counts as the firm's.")),
    Column("transferred_to", "受让人", ("新权利人", "transferred out to", "transferred_to"), CellType.TEXT,
           max_length=200),
    Column("licence_count", "许可次数", ("许可数", "licences", "licence_count"), CellType.COUNT, unit="次"),
    _date("licensed_on", "最近许可日期", ("许可日期", "licensed on", "licensed_on"), ""),
    Column("licensee", "被许可人", ("licensee",), CellType.TEXT, max_length=200),
)  # fmt: skip

# Register fields an import writes (everything but the evaluation, which is recomputed after the commit).
FIELDS = tuple(c.key for c in PATENT_COLUMNS if c.key not in ("credit_code", "name", "number"))
DATE_FIELDS = tuple(c.key for c in PATENT_COLUMNS if c.cell_type is CellType.DATE)
COUNT_FIELDS = tuple(c.key for c in PATENT_COLUMNS if c.cell_type is CellType.COUNT)
BOOL_FIELDS = ("strategic_emerging",)
DEFAULTS = {
    **{key: "" for key in FIELDS},
    **{key: 0 for key in COUNT_FIELDS},
    "strategic_emerging": NO,
    "pledged_amount": "0.00",
}


def normalise_number(text: str) -> str:
    folded = "".join(unicodedata.normalize("NFKC", text).upper().split())
    return folded.removeprefix("ZL")


def check_rows(checker, frame: pd.DataFrame, present: list[str]) -> None:
    frame["number"] = pd.Series([normalise_number(v) for v in frame["number"].tolist()], index=frame.index)
    frame["strategic_emerging"] = frame["strategic_emerging"].replace("", NO)
    today = checker.context.today.isoformat()
    filed, granted = frame["filed_on"], frame["granted_on"]

    is_patent = frame["kind"].isin(list(PATENT_KINDS))
    shaped = pd.Series([bool(PATENT_NUMBER.fullmatch(v)) for v in frame["number"].tolist()], index=frame.index)
    checker.flag(
        is_patent & frame["number"].ne("") & ~shaped,
        "number",
        checker.texts["number"],
        _("Not a Chinese patent number: expected 8 or 12 digits and a check character, e.g. ZL202010123456.7."),
        code="number.invalid",
    )
    checker.flag(
        filed.ne("") & (filed > today), "filed_on", filed, _("The filing date lies in the future."), code="date.future"
    )
    checker.flag(
        filed.ne("") & granted.ne("") & (granted < filed),
        "granted_on",
        granted,
        lambda i: _("The grant date comes before the filing date (%(filed)s).") % {"filed": filed.iat[i]},
        code="dates.reversed",
    )
    ended = frame["legal_status"].ne("") & frame["legal_status"].ne(LegalStatus.VALID)
    checker.flag(
        ended & frame["status_on"].eq(""),
        "status_on",
        frame["status_on"],
        _("A right that is no longer valid needs the date it stopped being valid."),
        code="status_on.required",
    )
    for key in ("status_on", "acquired_on", "transferred_out_on", "licensed_on"):
        dates = frame[key]
        checker.flag(
            filed.ne("") & dates.ne("") & (dates < filed),
            key,
            dates,
            lambda i, dates=dates: (
                _("%(date)s comes before the filing date (%(filed)s).") % {"date": dates.iat[i], "filed": filed.iat[i]}
            ),
            code="dates.reversed",
        )
    out, acquired = frame["transferred_out_on"], frame["acquired_on"]
    checker.flag(
        out.ne("") & acquired.ne("") & (out < acquired),
        "transferred_out_on",
        out,
        lambda i: _("Transferred out before it was transferred in (%(date)s).") % {"date": acquired.iat[i]},
        code="dates.reversed",
    )
    flag_repeats(
        checker,
        frame,
        frame[["credit_code", "number"]],
        key="number",
        message=_("The same firm and number already appear on row %(first)d."),
    )
    # One holder at a time: a number may appear for several firms only if all but one transferred it out.
    held = frame["transferred_out_on"].eq("") & frame["number"].ne("")
    firm_repeat = frame[["credit_code", "number"]].duplicated(keep="first")
    twice_held = held & ~firm_repeat & frame["number"].where(held & ~firm_repeat).duplicated(keep="first")
    twice_held &= frame["number"].where(held).notna()
    if twice_held.any():
        first = frame[held & ~firm_repeat].groupby("number")["row"].first()
        checker.flag(
            twice_held,
            "number",
            checker.texts["number"],
            lambda i: (
                _("This number is already held by the firm on row %(first)d; a right has one holder.")
                % {"first": int(first[frame["number"].iat[i]])}
            ),
            code="duplicate",
        )


def check_stored(checker, frame: pd.DataFrame, context) -> None:
    """A number this file gives as held must not be held by another firm in the register (unless this file
    transfers it out of that firm)."""
    held = frame[frame["transferred_out_on"].eq("") & frame["number"].ne("") & frame["enterprise_id"].notna()]
    if held.empty:
        return
    numbers = sorted(set(held["number"]))
    stored = []
    for start in range(0, len(numbers), 5000):
        stored.extend(
            Patent.objects.filter(number__in=numbers[start : start + 5000], transferred_out_on__isnull=True)
            .values_list("number", "enterprise_id", "enterprise__credit_code")
            .order_by()
        )
    if not stored:
        return
    holders = pd.DataFrame(stored, columns=["number", "holder_id", "holder_code"])
    released = frame.loc[frame["transferred_out_on"].ne(""), ["credit_code", "number"]]
    released = set(zip(released["credit_code"], released["number"], strict=True))
    merged = held[["number", "enterprise_id"]].reset_index().merge(holders, on="number")
    conflict = merged[
        merged["holder_id"].ne(merged["enterprise_id"].astype("int64"))
        & ~pd.Series([(c, n) in released for c, n in zip(merged["holder_code"], merged["number"], strict=True)],
                     index=merged.index, dtype=bool)
    ]  # fmt: skip
    if conflict.empty:
        return
    holder_of = dict(zip(conflict["index"], conflict["holder_code"], strict=True))
    mask = frame.index.isin(list(holder_of))
    checker.flag(
        mask,
        "number",
        checker.texts["number"],
        lambda i: (
            _(
                "This number is held by another firm in the register (%(code)s); record the transfer out of that firm "
                "first, or in this file."
            )
            % {"code": holder_of[frame.index[i]]}
        ),
        code="number.held_elsewhere",
    )


def _stored_rows(enterprise_ids: list[int], fields: list[str]) -> pd.DataFrame:
    chunks = []
    for start in range(0, len(enterprise_ids), 5000):
        chunks.extend(
            Patent.objects.filter(enterprise_id__in=enterprise_ids[start : start + 5000])
            .order_by()
            .values_list("enterprise_id", "number", *fields)
        )
    stored = pd.DataFrame(chunks, columns=["enterprise_id", "number", *[f"{f}__db" for f in fields]])
    for name in fields:
        column = stored[f"{name}__db"]
        if name in DATE_FIELDS:
            stored[f"{name}__db"] = column.map(lambda d: d.isoformat() if d else "")
        elif name == "pledged_amount":
            stored[f"{name}__db"] = column.map(lambda v: f"{v:.2f}")
        elif name in BOOL_FIELDS:
            stored[f"{name}__db"] = column.map({True: YES, False: NO})
        else:
            stored[f"{name}__db"] = column.astype(str)
    stored["enterprise_id"] = stored["enterprise_id"].astype("Int64")
    return stored


def plan(frame: pd.DataFrame, present: list[str]) -> Plan:
    fields = [f for f in FIELDS if f in present]
    frame = frame.assign(enterprise_id=frame["enterprise_id"].astype("Int64"))
    stored = _stored_rows(sorted(set(frame["enterprise_id"].astype(int))), fields)
    joined = frame.merge(stored, on=["enterprise_id", "number"], how="left", indicator=True)
    joined.index = frame.index
    differs = pd.Series(False, index=frame.index)
    for name in fields:
        value = joined[name]
        if name in COUNT_FIELDS:
            value = value.fillna(0)
        elif name == "pledged_amount":
            value = value.replace("", "0.00")
        differs |= value.astype(str).ne(joined[f"{name}__db"].astype(str))
    status = pd.Series(UNCHANGED, index=frame.index)
    status[differs] = UPDATED
    status[joined["_merge"].eq("left_only")] = NEW
    rows = frame.loc[status.ne(UNCHANGED), ["enterprise_id", "number", *fields]]
    return Plan(counts=_counts(status, 0), rows_to_write=rows, fields_to_write=fields)


def _complete(rows: pd.DataFrame) -> pd.DataFrame:
    """Every register column: a new row takes the default of a column the file leaves out (or leaves empty)."""
    rows = rows.copy()
    for name in FIELDS:
        if name not in rows:
            rows[name] = DEFAULTS[name]
        elif name in COUNT_FIELDS:
            rows[name] = rows[name].fillna(0).astype("int64")
        elif name == "pledged_amount":
            rows[name] = rows[name].replace("", "0.00")
    # Rights transferred out are written first: the held row of the new holder may follow in the same statement.
    return rows.assign(_held=rows["transferred_out_on"].eq("")).sort_values("_held", kind="stable")


def apply(plan: Plan, *, progress) -> None:
    from ip.services import evaluate_patents

    rows = plan.rows_to_write
    if len(rows):
        rows = _complete(rows)
        if uses_postgresql():
            _copy_patents(rows, plan.fields_to_write, progress=progress)
        else:
            _bulk_patents(rows, plan.fields_to_write)
    progress(0.8)
    firms = sorted(set(int(i) for i in rows["enterprise_id"])) if len(rows) else []
    if firms:
        evaluate_patents(enterprise_ids=firms)
    progress(1.0)


def _bulk_patents(rows: pd.DataFrame, fields: list[str]) -> None:
    records = rows.to_dict("records")
    objects = []
    for record in records:
        values = {name: record[name] for name in FIELDS}
        for name in DATE_FIELDS:
            values[name] = values[name] or None
        values["strategic_emerging"] = values["strategic_emerging"] == YES
        objects.append(Patent(enterprise_id=int(record["enterprise_id"]), number=record["number"], **values))
    for start in range(0, len(objects), 2000):
        Patent.objects.bulk_create(
            objects[start : start + 2000],
            update_conflicts=True,
            unique_fields=["enterprise", "number"],
            update_fields=[*fields, "updated_at"],
        )


def _copy_patents(rows: pd.DataFrame, fields: list[str], *, progress) -> None:
    table = Patent._meta.db_table
    types = {name: "date" for name in DATE_FIELDS}
    types.update({name: "integer" for name in COUNT_FIELDS})
    types.update({"strategic_emerging": "boolean", "pledged_amount": "numeric"})
    columns = ["enterprise_id", "number", *FIELDS]
    definition = ", ".join(f"{name} {types.get(name, 'text')}" for name in FIELDS)
    text_fields = [name for name in FIELDS if types.get(name, "text") == "text"]
    rows = rows.assign(_order=np.arange(len(rows)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE import_patents (enterprise_id bigint, number text, {definition}, _order integer) "
            "ON COMMIT DROP"
        )
        options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(['number', *text_fields])})"
        with cursor.cursor.copy(
            f"COPY import_patents ({', '.join([*columns, '_order'])}) FROM STDIN WITH ({options})"
        ) as copy:
            for start in range(0, len(rows), 20_000):
                chunk = rows.iloc[start : start + 20_000]
                copy.write(chunk.to_csv(index=False, header=False, columns=[*columns, "_order"]))
                progress(0.6 * min(start + 20_000, len(rows)) / len(rows))
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in [*fields, "updated_at"])
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, high_value, high_value_reasons, updated_at) "
            f"SELECT {', '.join(columns)}, false, 0, now() FROM import_patents ORDER BY _order "
            f"ON CONFLICT (enterprise_id, number) DO UPDATE SET {updates}"
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE import_patents")
    if written != len(rows):
        raise AssertionError(f"{len(rows)} patent rows to write, {written} written")


PATENT_IMPORT_KIND = ImportKind(
    key="patents",
    columns=PATENT_COLUMNS,
    data_sheet="知识产权台账",
    template_file_name="知识产权台账导入模板.xlsx",
    check_rows=check_rows,
    check_stored=check_stored,
    plan=plan,
    apply=apply,
    notes=(
        gettext_lazy(
            "One row per right per firm. Rows are matched by credit code and number: an existing row is updated, "
            "a new one added. A right transferred out stays in the firm's register with the transfer date."
        ),
    ),
)
