"""What each import kind brings to the one importer: its columns, its row checks, how it plans and writes a commit,
and the names of its template. Reading, cell parsing, the registry and scope checks, the preview, the error report
and the all-or-nothing commit are shared by every kind.

The registry's own kinds are declared here; other apps add theirs from their AppConfig.ready() (ip: patents), so
this package never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from enterprises.importing.columns import Column


@dataclass(frozen=True)
class ImportKind:
    key: str  # ImportJob.Kind value
    columns: tuple[Column, ...]
    data_sheet: str  # the template's data sheet (and the export's)
    template_file_name: str
    # (checker, frame, present) -> None: checks across a row's cells and across rows, after every cell is parsed.
    check_rows: Callable
    # (frame, present) -> committing.Plan: what the commit would write; reads only.
    plan: Callable
    # (plan, progress=...) -> None: writes the plan inside the caller's transaction.
    apply: Callable
    # False: every row must name a firm already in the registry (only the enterprise template creates firms).
    creates_firms: bool = False
    # (checker, frame, context) -> None: checks against stored data beyond the shared registry and scope checks.
    check_stored: Callable | None = None
    # Lines added under the columns on the template's explanation sheet.
    notes: tuple = ()
    # Columns of the clean frame to read back with these pandas dtypes (beyond the shared ones).
    clean_dtypes: dict[str, str] = field(default_factory=dict)
    # A kind whose columns are data (a department list's mapping profile): (kind) -> the kind with its columns as
    # they are configured now. Called at each lookup.
    resolve: Callable | None = None
    # A city-wide list (a department's): city staff and the city administrator upload it, county staff do not.
    city_wide: bool = False


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    _KINDS[kind.key] = kind


def all_kinds() -> list[ImportKind]:
    get_kind("enterprises")
    return list(_KINDS.values())


def kind_choices(*, whole_city: bool) -> list[tuple[str, str]]:
    """The kinds a user may upload, as (value, label): city-wide lists only for those importing for the whole city.
    Reads the registry without resolving a kind's columns (no query)."""
    from enterprises.models import ImportJob

    get_kind("enterprises")
    return [
        (value, label)
        for value, label in ImportJob.Kind.choices
        if value in _KINDS and (whole_city or not _KINDS[value].city_wide)
    ]


def get_kind(key: str) -> ImportKind:
    if "enterprises" not in _KINDS:
        _register_registry_kinds()
    try:
        kind = _KINDS[key]
    except KeyError:
        raise LookupError(f"no import kind {key!r}") from None
    return kind.resolve(kind) if kind.resolve is not None else kind


def _register_registry_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from enterprises.importing import committing, validation
    from enterprises.importing.columns import ENTERPRISE_COLUMNS, QUALIFICATION_COLUMNS

    register(
        ImportKind(
            key="enterprises",
            columns=ENTERPRISE_COLUMNS,
            data_sheet="企业年度数据",
            template_file_name="企业年度数据导入模板.xlsx",
            # Looked up at each call (not bound here), so that the module's functions stay the one place to change.
            check_rows=lambda checker, frame, present: validation.check_enterprise_rows(checker, frame, present),
            plan=lambda frame, present: committing.plan_enterprises(frame, present),
            apply=lambda plan, *, progress: committing.apply_enterprises(plan, progress=progress),
            creates_firms=True,
            notes=(
                _(
                    "One row per firm per year. Rows are matched by credit code and year: "
                    "an existing row is updated, a new one added."
                ),
            ),
        )
    )
    # The evidence of the official direct routes (standards, awards, financing, institutions …).
    from enterprises.importing.achievements import ACHIEVEMENT_IMPORT_KIND

    register(ACHIEVEMENT_IMPORT_KIND)
    register(
        ImportKind(
            key="qualifications",
            columns=QUALIFICATION_COLUMNS,
            data_sheet="资质",
            template_file_name="资质导入模板.xlsx",
            check_rows=lambda checker, frame, present: validation.check_qualification_rows(checker, frame),
            plan=lambda frame, present: committing.plan_qualifications(frame),
            apply=lambda plan, *, progress: committing.apply_qualifications(plan, progress=progress),
        )
    )
