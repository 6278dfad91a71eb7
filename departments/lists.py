"""The departments' lists as kinds of the registry's importer (enterprises.importing): reading, checking, the
preview, the error report, the all-or-nothing commit and its progress are the importer's; each list brings its
columns (from its mapping profile, read at each use), its checks and how it plans and writes a commit.

What a list writes (README "Department lists"): the registration extract creates industrial firms and updates the
registry's register details (the founding date is recorded as an observation); the statistics and tax lists record
their figures as observations of the department (enterprises.provenance: the night's reconciliation sets the
effective values); the science lists write qualifications with where they came from; the patent office's export
writes the ip register. Every commit records, per firm named, that the list matched it (DepartmentMatch). A row
whose credit code is not in the registry is listed in the preview and left out (the registration extract adds the
industrial firms among them).
"""

import datetime as dt
import weakref
from dataclasses import replace

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import anniversary
from departments import writing
from departments.profiles import DEFAULT_PROFILES, columns_from_profile, money_header_unit, to_yuan
from departments.selectors import profile_for
from enterprises.importing.columns import CellType
from enterprises.importing.committing import NEW, UNCHANGED, UPDATED, Plan
from enterprises.importing.kinds import ImportKind
from enterprises.importing.validation import WARNING, Issue, flag_repeats, registry_rows
from enterprises.industries import INDUSTRY_DIVISIONS, division_of
from enterprises.models import (
    CLOSED_STATUSES,
    INDICATOR_FIELDS,
    County,
    DepartmentList,
    ImportJob,
    QualificationKind,
    RegistrationStatus,
)

KIND_OF_LIST = {
    DepartmentList.MARKET_REGISTRATION: ImportJob.Kind.DEPT_REGISTRATION,
    DepartmentList.STATISTICS: ImportJob.Kind.DEPT_STATISTICS,
    DepartmentList.TAX_RD_DEDUCTION: ImportJob.Kind.DEPT_TAX_RD,
    DepartmentList.TAX_HIGH_TECH: ImportJob.Kind.DEPT_TAX_HIGH_TECH,
    DepartmentList.SCIENCE_TECH_SME: ImportJob.Kind.DEPT_TECH_SME,
    DepartmentList.SCIENCE_HIGH_TECH: ImportJob.Kind.DEPT_HIGH_TECH,
    DepartmentList.PATENTS: ImportJob.Kind.DEPT_PATENTS,
}
LIST_OF_KIND = {kind: department_list for department_list, kind in KIND_OF_LIST.items()}


def _resolver(department_list: str):
    def resolve(kind: ImportKind) -> ImportKind:
        profile = profile_for(department_list)
        if department_list == DepartmentList.PATENTS:
            from ip.importing import PATENT_COLUMNS

            base = {c.key: c for c in PATENT_COLUMNS}
            mapped = {c.key: c for c in columns_from_profile(profile, base=base)}
            # Every register column is known to the check (ip.importing reads them all); the office's headers
            # replace the template's where the profile maps them.
            return replace(kind, columns=tuple(mapped.get(c.key, c) for c in PATENT_COLUMNS))
        return replace(kind, columns=columns_from_profile(profile))

    return resolve


# ---------------------------------------------------------------------------------------------------------------
# Checks shared by every list


def _convert_units(checker, frame: pd.DataFrame, present: list[str], department_list: str) -> None:
    """Money is read as 万元; a column in 元 or 千元 (the profile's unit, or the one its header writes) is turned
    into yuan exactly."""
    units = profile_for(department_list).units or {}
    for key in present:
        column = checker.by_key[key]
        if column.cell_type is not CellType.MONEY_WAN:
            continue
        unit = money_header_unit(checker.header(key)) or units.get(key, "万元")
        if unit != "万元":
            frame[key] = pd.Series(to_yuan(frame[key].tolist(), unit), index=frame.index, dtype=object)


def _fill_year(checker, frame: pd.DataFrame, present: list[str]) -> None:
    """Yearly figures without a year column belong to the year of the list's as-of date."""
    as_of = checker.context.as_of or checker.context.today
    frame["year"] = frame["year"].fillna(as_of.year).astype("Int64")
    if "year" not in present:
        present.append("year")


def _list_unknown(checker, frame: pd.DataFrame, *, mask: pd.Series | None = None) -> None:
    unknown = frame["enterprise_id"].isna() & frame["credit_code"].ne("")
    if mask is not None:
        unknown &= mask
    checker.flag(
        unknown,
        "credit_code",
        frame["credit_code"],
        _("No firm with this credit code in the registry: this row is left out."),
        code="department.unknown",
        severity=WARNING,
    )


def _not_used(checker, department_list: str) -> None:
    """Every column the list carries that no registry field takes: said, never dropped silently. A header the
    profile records as not used is said so; another unknown one may be a new header of a field the profile reads."""
    from enterprises.importing.columns import normalise_header

    raw = checker.raw
    known = {normalise_header(h) for h in profile_for(department_list).not_used or ()}
    for header in raw.extra_headers:
        if normalise_header(header) in known:
            message = _("Not used: the registry has no field with this column's meaning.")
        else:
            message = _(
                "Not used: the list's profile does not know this column. If it holds a figure the registry keeps "
                "under a new header, the city administrator adds the header to the profile."
            )
        checker.issues.append(Issue(WARNING, raw.sheet, raw.header_row, header, "", message, "department.not_used"))


def _summary(checker, message: str, code: str) -> None:
    checker.issues.append(Issue(WARNING, checker.raw.sheet, None, "", "", message, code))


def _counts(frame: pd.DataFrame, status: pd.Series, new_firms: int = 0) -> dict[str, int]:
    return {
        "row_count": len(frame),
        "new_firms": new_firms,
        "new_rows": int(status.eq(NEW).sum()),
        "updated_rows": int(status.eq(UPDATED).sum()),
        "unchanged_rows": int(status.eq(UNCHANGED).sum()),
    }


def _known(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["enterprise_id"].notna()]


# ---------------------------------------------------------------------------------------------------------------
# Yearly figures: statistics, tax


def _figures_check_rows(department_list):
    def check(checker, frame, present):
        _convert_units(checker, frame, present, department_list)
        _fill_year(checker, frame, present)
        flag_repeats(
            checker,
            frame,
            frame[["credit_code", "year"]].astype(str).replace("<NA>", ""),
            key="credit_code",
            message=_("The same firm and year already appear on row %(first)d."),
        )

    return check


def _figures_check_stored(checker, frame, context) -> None:
    _list_unknown(checker, frame)


def _figures_plan(department_list):
    def plan(frame: pd.DataFrame, present: list[str]) -> Plan:
        fields = [k for k in INDICATOR_FIELDS if k in present]
        known = _known(frame)
        ids = sorted(set(known["enterprise_id"].astype(int)))
        years = sorted(set(known["year"].astype(int)))
        current = writing.effective_figures(ids, years, fields) if ids and fields else None
        status = pd.Series(UNCHANGED, index=known.index)
        if current is not None:
            joined = known.merge(current, on=["enterprise_id", "year"], how="left", indicator=True)
            joined.index = known.index
            for key in fields:
                given = joined[key].astype(str).replace({"<NA>": "", "nan": ""})
                differs = given.ne("") & given.ne(joined[f"{key}__db"].fillna(""))
                status[differs] = UPDATED
            status[joined["_merge"].eq("left_only")] = NEW
        result = Plan(
            counts=_counts(frame, status),
            rows_to_write=known[["enterprise_id", "year", *fields]],
            fields_to_write=fields,
        )
        result.department_list = department_list
        return result

    return plan


def _figures_apply(plan: Plan, *, progress) -> None:
    writing.record_figures(plan, progress=progress)


# ---------------------------------------------------------------------------------------------------------------
# The registration extract (市场监管): the master of the register


def _county_ids(texts: pd.Series) -> pd.Series:
    """The county a registration authority or county cell names (平顶山市卫东区市场监督管理局 → 卫东区), or NA."""
    counties = sorted(County.objects.values_list("name", "id"), key=lambda pair: -len(pair[0]))
    found = {}
    for text in set(texts.tolist()):
        found[text] = next((county_id for name, county_id in counties if text and name in text), None)
    return pd.Series(pd.array([found[t] for t in texts.tolist()], dtype="Int64"), index=texts.index)


def _registration_check_rows(checker, frame, present) -> None:
    _convert_units(checker, frame, present, DepartmentList.MARKET_REGISTRATION)
    county = _county_ids(frame["county_name"])
    frame["county_id"] = county.fillna(_county_ids(frame["registration_authority"]))
    flag_repeats(
        checker,
        frame,
        frame[["credit_code"]],
        key="credit_code",
        message=_("The same firm already appears on row %(first)d."),
    )


def _industrial(frame: pd.DataFrame) -> pd.Series:
    divisions = set(INDUSTRY_DIVISIONS)
    return pd.Series([division_of(c) in divisions for c in frame["industry_code"].tolist()], index=frame.index)


def _creatable(frame: pd.DataFrame) -> pd.Series:
    unknown = frame["enterprise_id"].isna() & frame["credit_code"].ne("")
    return unknown & _industrial(frame) & frame["county_id"].notna() & frame["name"].ne("")


def _registration_check_stored(checker, frame, context) -> None:
    unknown = frame["enterprise_id"].isna() & frame["credit_code"].ne("")
    industrial = _industrial(frame)
    checker.flag(
        unknown & ~industrial,
        "industry_code",
        frame["industry_code"],
        _("Not in the registry and not an industrial firm (GB/T 4754 sections B, C, D): not added."),
        code="department.not_industrial",
        severity=WARNING,
    )
    no_county = unknown & industrial & frame["county_id"].isna()
    where = "county_name" if "county_name" in checker.raw.columns else "registration_authority"
    checker.flag(
        no_county,
        where if where in checker.by_key else "credit_code",
        frame[where] if where in frame else frame["credit_code"],
        _("Not in the registry, and no county of the city is named here: not added."),
        code="department.no_county",
        severity=WARNING,
    )
    checker.flag(
        unknown & industrial & frame["county_id"].notna() & frame["name"].eq(""),
        "credit_code",
        frame["credit_code"],
        _("Not in the registry and without a name: not added."),
        code="department.no_name",
        severity=WARNING,
    )
    creatable = int(_creatable(frame).sum())
    if creatable:
        _summary(
            checker,
            ngettext(
                "%(count)d industrial firm new to the registry is added.",
                "%(count)d industrial firms new to the registry are added.",
                creatable,
            )
            % {"count": creatable},
            "department.new_firms",
        )
    # Who leaves the pool: a closed (吊销/注销) or moved-out status new to the firm.
    registry = _registry_details(frame)
    known = frame[frame["enterprise_id"].notna() & frame["registration_status"].ne("")]
    if len(known):
        current = registry.set_index("credit_code")
        before = known["credit_code"].map(current["registration_status"])
        closes = known["registration_status"].isin(list(CLOSED_STATUSES)) & ~before.isin(list(CLOSED_STATUSES))
        moves = known["registration_status"].eq(RegistrationStatus.MOVED_OUT) & before.ne(RegistrationStatus.MOVED_OUT)
        checker.flag(
            closes.reindex(frame.index, fill_value=False),
            "registration_status",
            checker.texts["registration_status"],
            _("The firm becomes closed: it leaves the cultivation pool at the next placement."),
            code="department.closes",
            severity=WARNING,
        )
        checker.flag(
            moves.reindex(frame.index, fill_value=False),
            "registration_status",
            checker.texts["registration_status"],
            _("The firm moved out of the city: it leaves the cultivation pool at the next placement."),
            code="department.moves_out",
            severity=WARNING,
        )
        if closes.any() or moves.any():
            _summary(
                checker,
                _("%(closed)d firm(s) become closed and %(moved)d move(s) out of the city; they leave the pool at the "
                  "next placement.") % {"closed": int(closes.sum()), "moved": int(moves.sum())},
                "department.leave_pool",
            )  # fmt: skip


REGISTRATION_FIELDS = ("name", "address", "legal_representative", "registered_capital", "industry_code",
                       "registration_status")  # fmt: skip


_READ: dict[int, tuple[weakref.ref, pd.DataFrame]] = {}


def _registry_details(frame: pd.DataFrame) -> pd.DataFrame:
    """The register details of the firms the extract names, read once per check: the preview's plan takes what the
    check read of the same frame (held while the frame lives); the commit's plan, on the frame of the clean file,
    reads them again."""
    held = _READ.get(id(frame))
    if held is not None and held[0]() is frame:
        return held[1]
    codes = frame.loc[frame["enterprise_id"].notna(), "credit_code"].tolist()
    found = registry_rows(codes, REGISTRATION_FIELDS)
    _READ[id(frame)] = (weakref.ref(frame), found)
    weakref.finalize(frame, _READ.pop, id(frame), None)
    return found


def _registration_plan(frame: pd.DataFrame, present: list[str]) -> Plan:
    creatable = _creatable(frame)
    known = frame["enterprise_id"].notna()
    fields = [f for f in REGISTRATION_FIELDS if f in present]
    status = pd.Series(UNCHANGED, index=frame.index[known | creatable])
    status[creatable[creatable].index] = NEW
    rows = frame[known]
    if len(rows) and fields:
        current = _registry_details(frame).set_index("credit_code")
        if "registered_capital" in fields:
            current["registered_capital"] = current["registered_capital"].map(lambda v: "" if v is None else f"{v:.2f}")
        for name in fields:
            given = rows[name].astype(str)
            stored = rows["credit_code"].map(current[name]).astype(str)
            differs = given.ne("") & given.ne(stored)
            status[differs[differs].index] = UPDATED
    written = frame[known | creatable].assign(
        is_new=creatable[known | creatable],
        industry_name=[
            INDUSTRY_DIVISIONS.get(division_of(c), "") for c in frame.loc[known | creatable, "industry_code"].tolist()
        ],
    )
    result = Plan(
        counts=_counts(frame, status, new_firms=int(creatable.sum())),
        rows_to_write=written,
        fields_to_write=fields,
    )
    result.department_list = DepartmentList.MARKET_REGISTRATION
    return result


def _registration_apply(plan: Plan, *, progress) -> None:
    writing.write_registrations(plan, progress=progress)


# ---------------------------------------------------------------------------------------------------------------
# The science lists: qualifications


def _certificate_end(day: str, years: int) -> str:
    """The last day of a term of `years` years from `day` (ISO text): the day before its anniversary."""
    return (anniversary(dt.date.fromisoformat(day), years) - dt.timedelta(days=1)).isoformat()


def _tech_sme_check_rows(checker, frame, present) -> None:
    """A registration is valid for its year (DESIGN §3.1): from the day it was announced (or 1 January) to 31
    December. The year: the year column, else the number's first four digits (入库登记编号 starts with it), else the
    list's as-of date."""
    as_of = checker.context.as_of or checker.context.today
    from_number = pd.Series(
        [int(n[:4]) if n[:4].isdigit() and 2000 <= int(n[:4]) <= as_of.year + 1 else pd.NA for n in frame["number"]],
        index=frame.index,
        dtype="Int64",
    )
    frame["year"] = frame["year"].fillna(from_number).fillna(as_of.year).astype("Int64")
    years = frame["year"].astype(str)
    frame["valid_from"] = frame["valid_from"].where(frame["valid_from"].ne(""), years + "-01-01")
    frame["valid_to"] = years + "-12-31"
    frame["kind"] = QualificationKind.TECH_SME
    checker.flag(
        frame["valid_from"] > frame["valid_to"],
        "valid_from",
        frame["valid_from"],
        _("The registration date lies after the end of its year."),
        code="dates.reversed",
    )
    flag_repeats(
        checker,
        frame,
        frame[["credit_code", "valid_from"]],
        key="number",
        message=_("The same firm's registration already appears on row %(first)d."),
    )


def _high_tech_check_rows(checker, frame, present) -> None:
    """A certificate is valid for the rule set's certificate years from its issue date."""
    from rulesets import get_ruleset

    years = get_ruleset().high_tech.certificate_years
    ends = {day: _certificate_end(day, years) for day in set(frame["valid_from"]) if day}
    frame["valid_to"] = frame["valid_from"].map(lambda day: ends.get(day, ""))
    frame["kind"] = QualificationKind.HIGH_TECH
    flag_repeats(
        checker,
        frame,
        frame[["credit_code", "valid_from"]],
        key="number",
        message=_("The same firm's certificate already appears on row %(first)d."),
    )


def _qualifications_check_stored(checker, frame, context) -> None:
    _list_unknown(checker, frame)


def _qualifications_plan(department_list):
    def plan(frame: pd.DataFrame, present: list[str]) -> Plan:
        from enterprises.importing.committing import plan_qualifications

        known = _known(frame)
        compared = plan_qualifications(known) if len(known) else None
        status = pd.Series(UNCHANGED, index=known.index)
        if compared is not None:
            status[compared.rows_to_write.index] = UPDATED
            existing = known.index.difference(compared.rows_to_write.index)
            new_count = compared.counts["new_rows"]
            counts = _counts(frame, status)
            counts.update(new_rows=new_count, updated_rows=compared.counts["updated_rows"])
            counts["unchanged_rows"] = len(existing)
        else:
            counts = _counts(frame, status)
        result = Plan(
            counts=counts,
            rows_to_write=known[["enterprise_id", "kind", "number", "valid_from", "valid_to"]],
        )
        result.department_list = department_list
        return result

    return plan


def _qualifications_apply(plan: Plan, *, progress) -> None:
    writing.write_qualifications(plan, progress=progress)


# ---------------------------------------------------------------------------------------------------------------
# The patent office's export: the ip register


def _patents_check_rows(checker, frame, present) -> None:
    from ip.importing import check_rows
    from ip.models import LegalStatus

    as_of = (checker.context.as_of or checker.context.today).isoformat()
    ended = frame["legal_status"].ne("") & frame["legal_status"].ne(LegalStatus.VALID) & frame["status_on"].eq("")
    if ended.any():
        frame.loc[ended, "status_on"] = as_of
        if "status_on" not in present:
            present.append("status_on")
        _summary(
            checker,
            _("%(count)d right(s) no longer valid carry no date: the list's as-of date (%(day)s) is taken.")
            % {"count": int(ended.sum()), "day": as_of},
            "department.status_on",
        )
    check_rows(checker, frame, present)


def _patents_check_stored(checker, frame, context) -> None:
    from ip.importing import check_stored

    _list_unknown(checker, frame)
    check_stored(checker, frame, context)


def _patents_plan(frame: pd.DataFrame, present: list[str]) -> Plan:
    from ip.importing import plan

    known = _known(frame)
    result = plan(known, present) if len(known) else Plan(counts=_counts(frame, pd.Series(dtype=object)))
    result.counts["row_count"] = len(frame)
    result.matched_ids = sorted(set(known["enterprise_id"].astype(int)))
    result.department_list = DepartmentList.PATENTS
    return result


def _patents_apply(plan: Plan, *, progress) -> None:
    from ip.importing import apply

    if len(plan.rows_to_write):
        apply(plan, progress=lambda fraction: progress(0.9 * fraction))
    writing.record_matches(plan, plan.matched_ids)
    progress(1.0)


# ---------------------------------------------------------------------------------------------------------------


def _kind(department_list, *, check_rows, check_stored, plan, apply) -> ImportKind:
    name = DEFAULT_PROFILES[department_list]["source_name"]
    return ImportKind(
        key=KIND_OF_LIST[department_list],
        columns=(),
        data_sheet=name[:31],
        template_file_name=f"{name}.xlsx",
        check_rows=check_rows,
        check_stored=lambda checker, frame, context: (
            check_stored(checker, frame, context),
            _not_used(checker, department_list),
        ),
        plan=plan,
        apply=apply,
        creates_firms=True,  # unknown credit codes are listed by the list's own check, not refused
        resolve=_resolver(department_list),
        city_wide=True,
    )


FIGURE_LISTS = (DepartmentList.STATISTICS, DepartmentList.TAX_RD_DEDUCTION, DepartmentList.TAX_HIGH_TECH)
DEPARTMENT_IMPORT_KINDS = (
    _kind(
        DepartmentList.MARKET_REGISTRATION,
        check_rows=_registration_check_rows,
        check_stored=_registration_check_stored,
        plan=_registration_plan,
        apply=_registration_apply,
    ),
    *(
        _kind(
            department_list,
            check_rows=_figures_check_rows(department_list),
            check_stored=_figures_check_stored,
            plan=_figures_plan(department_list),
            apply=_figures_apply,
        )
        for department_list in FIGURE_LISTS
    ),
    _kind(
        DepartmentList.SCIENCE_TECH_SME,
        check_rows=_tech_sme_check_rows,
        check_stored=_qualifications_check_stored,
        plan=_qualifications_plan(DepartmentList.SCIENCE_TECH_SME),
        apply=_qualifications_apply,
    ),
    _kind(
        DepartmentList.SCIENCE_HIGH_TECH,
        check_rows=_high_tech_check_rows,
        check_stored=_qualifications_check_stored,
        plan=_qualifications_plan(DepartmentList.SCIENCE_HIGH_TECH),
        apply=_qualifications_apply,
    ),
    _kind(
        DepartmentList.PATENTS,
        check_rows=_patents_check_rows,
        check_stored=_patents_check_stored,
        plan=_patents_plan,
        apply=_patents_apply,
    ),
)
