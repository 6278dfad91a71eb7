"""Check every cell of every row at once and turn the file's text into typed values.

Each check is a vectorised mask over a column; messages are built only for the rows a mask flags, so a
100,000-row file with three mistakes costs three messages. Nothing here writes to the database.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.credit_codes import normalize_credit_code, validate_credit_code
from enterprises.importing.columns import ENTERPRISE_COLUMNS, INDICATOR_COLUMNS, CellType, Column
from enterprises.importing.reading import RawTable, column_letter
from enterprises.industries import INDUSTRY_DIVISIONS
from enterprises.models import INDICATOR_YEAR_MIN, County, Enterprise

ERROR = "error"
WARNING = "warning"
WAN = Decimal(10000)
CENT = Decimal("0.01")
# DecimalField(max_digits=16, decimal_places=2): 14 digits before the point in yuan, 10 in 万元.
MAX_WAN_INTEGER_DIGITS = 10
MAX_COUNT = 2_147_483_647
# Exports prefix text starting with these with an apostrophe (formula injection); a re-import takes it off again.
NEUTRALISED_PREFIX = re.compile(r"^'(?=[=+\-@\t\r])")
# (?a): \d is 0-9 only; full-width digits (３) are not ASCII and go through NFKC normalisation first.
NUMBER = re.compile(r"(?a)^\d+(?:\.\d+)?$")
NEGATIVE_NUMBER = re.compile(r"(?a)^(?:-\d+(?:\.\d+)?|\(\d+(?:\.\d+)?\))$")
INTEGER = re.compile(r"(?a)^\d+(?:\.0+)?$")
MONEY_SUFFIX = re.compile(r"(?:万元|万)$")
COUNT_SUFFIX = re.compile(r"(?:人|名|件|项|个)$")
DATE_SEPARATORS = re.compile(r"[./年月]")
# Thousands separators are accepted only where they group by three: "1,234.5" and "12,345,678", never "12,34"
# (a decimal comma?) or "1.234,5" (a European number). Spaces and apostrophes group the same way.
GROUPED_NUMBER = re.compile(r"(?a)^(?P<sign>-?)\d{1,3}(?:(?P<sep>[,\s'_])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?$")
SEPARATOR_CHARACTERS = re.compile(r"[,\s'_]")
DIGITS_AND_SEPARATORS = re.compile(r"(?a)-?[\d,\s'_.]+")
# Characters a person cannot see in a cell: controls (NUL among them), zero-width spaces and joiners, direction
# marks, word joiners, the byte-order mark, the soft hyphen.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# A text starting so is a formula to every spreadsheet program (and a way to inject one into our exports).
FORMULA_START = ("=", "+", "-", "@")
PHONE_WITH_PREFIX = re.compile(r"^\+[\d\s()\-]+$")
# Columns whose invisible characters are dropped (with a warning) rather than reported as errors.
# Columns of figures, whose texts are made again when asked for (see _Texts).
NUMBER_TYPES = frozenset({"count", "money_wan", "year"})
CODE_TYPES = frozenset({"credit_code", "county", "year", "count", "money_wan", "date", "choice", "industry_code"})
ISO_DATE = re.compile(r"(?a)\d{4}-\d{2}-\d{2}")
CODE_SHAPE = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")
# GB 32100-2015: character values and the weights 3^(i-1) mod 31 of positions 1-17.
CODE_VALUES = np.full(256, 255, dtype=np.int64)
for _value, _char in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY"):
    CODE_VALUES[ord(_char)] = _value
CODE_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)


@dataclass
class Issue:
    severity: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    code: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ImportContext:
    """Who imports, and so which counties the rows may touch."""

    allowed_county_ids: frozenset[int] | None  # None: every county
    default_county_id: int | None  # a county user's own county, used when a row leaves the county empty
    accept_bad_check_characters: bool = False
    today: dt.date = field(default_factory=timezone.localdate)  # the portal's day (Asia/Shanghai), not the server's
    # A department's list: the day it describes (ImportJob.as_of), for the rows that do not say.
    as_of: dt.date | None = None


@dataclass
class Validated:
    frame: pd.DataFrame  # typed values, one row per data row, plus "row" (the sheet row number)
    issues: list[Issue]
    present: list[str]  # column keys the file carries

    @property
    def error_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for issue in self.issues if issue.severity == WARNING)


class _Texts(dict):
    """Each column's cells as text. A column of an xlsx holding numbers only (or empty cells) is kept as an array of
    its numbers and turned into text each time it is asked for: as texts, the 16 figure columns of a file at the row
    limit would hold about 280 MB through the whole check, as numbers 40 MB."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return value() if callable(value) else value


def _numbers_only(values: pd.Series) -> np.ndarray | None:
    """The column as float64 (empty cells as NaN, whose text is also empty), when it holds numbers and empty cells
    only; else None."""
    cells = values.tolist()
    if not all(type(v) is float or (type(v) is str and not v) for v in cells):
        return None
    return np.array([np.nan if type(v) is not float else v for v in cells], dtype=np.float64)


def _texts_of_numbers(numbers: np.ndarray, index: pd.Index):
    def make() -> pd.Series:
        text = _once_per_value(_cell_text)
        return pd.Series([text(v) for v in numbers.tolist()], index=index, dtype=object)

    return make


class _Checker:
    """Collects issues for one table; each check flags rows through a boolean mask."""

    def __init__(self, raw: RawTable, columns: tuple[Column, ...], context: ImportContext):
        self.raw = raw
        self.context = context
        self.by_key = {c.key: c for c in columns}
        self.rows = np.asarray(raw.row_numbers)
        self.issues: list[Issue] = []
        self.texts: dict[str, pd.Series] = _Texts()  # each column's cells as text
        # Credit codes accepted although their check character fails (only when the user asked for it).
        self.checked = pd.Series(True, index=raw.cells.index)

    def header(self, key: str) -> str:
        position = self.raw.columns.get(key)
        if position is None:
            return self.by_key[key].header
        return self.raw.headers[position].strip()

    def flag(self, mask, key: str, values, message, *, code: str, severity: str = ERROR) -> None:
        """`message` is a string, or a function of the row's position giving one."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        header = self.header(key)
        values = np.asarray(values, dtype=object)
        for position in np.flatnonzero(mask):
            text = message(position) if callable(message) else message
            self.issues.append(
                Issue(severity, self.raw.sheet, int(self.rows[position]), header, _shown(values[position]), text, code)
            )


def _shown(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell_text(value) -> str:
    """One cell as the text a person typed: integral floats without ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        # Shortest text that reads back as this float, without an exponent (5e-05 is 0.00005).
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# Distinct values of a column whose conversion is remembered (see _once_per_value).
MAX_REMEMBERED = 50_000


def _once_per_value(function):
    """`function` of one cell, computed once per distinct text or number of the column and its result shared: a
    file at the row limit repeats most of its 8 million cells, and a new text for each would take hundreds of MB.
    (Never a bool: True == 1.0 would share a result.)"""
    cache: dict = {}

    def call(value):
        kind = type(value)
        if kind is not str and kind is not float:
            return function(value)
        try:
            return cache[value]
        except KeyError:
            result = function(value)
            if len(cache) < MAX_REMEMBERED:
                cache[value] = result
            return result

    return call


def _shared(values: list) -> list:
    """The same texts, each distinct one kept once."""
    seen: dict = {}
    return [seen.setdefault(v, v) if type(v) is str else v for v in values]


def _texts(raw: RawTable, key: str) -> pd.Series:
    # Plain comprehensions over the column: pandas' .str methods on object columns cost several times more per cell.
    values = raw.cells[key].tolist()
    if raw.file_format == "csv":
        return pd.Series([v.strip() for v in values], index=raw.cells.index, dtype=object)
    text = _once_per_value(_cell_text)
    return pd.Series([text(v) for v in values], index=raw.cells.index, dtype=object)


def _numeric_text(text: pd.Series, suffix: re.Pattern) -> pd.Series:
    """Full-width digits and punctuation to ASCII, a unit suffix removed, thousands separators dropped where they
    group by three (anything else stays as written, and so is reported).

    Most cells are plain numbers already and pass through untouched."""
    plain = NUMBER.fullmatch
    return pd.Series(
        [v if (not v or plain(v)) else _clean_number(v, suffix) for v in text.tolist()], index=text.index, dtype=object
    )


def _clean_number(value: str, suffix: re.Pattern) -> str:
    cleaned = suffix.sub("", unicodedata.normalize("NFKC", value).strip()).strip()
    if not SEPARATOR_CHARACTERS.search(cleaned):
        return cleaned
    if GROUPED_NUMBER.fullmatch(cleaned):
        return SEPARATOR_CHARACTERS.sub("", cleaned)
    return cleaned


def _badly_grouped(candidates: pd.Series, cleaned: pd.Series) -> pd.Series:
    """Of the `candidates` (cells that did not parse), those left unparsed because of their separators: digits and
    separators only, but not grouped by three. Only the candidates are looked at: a clean file has none."""
    flagged = np.zeros(len(cleaned), dtype=bool)
    values = cleaned.to_numpy()
    for position in np.flatnonzero(candidates.to_numpy()):
        value = values[position]
        flagged[position] = bool(SEPARATOR_CHARACTERS.search(value)) and bool(DIGITS_AND_SEPARATORS.fullmatch(value))
    return pd.Series(flagged, index=cleaned.index)


def _matches(pattern: re.Pattern, text: pd.Series) -> pd.Series:
    match = pattern.fullmatch
    return pd.Series([bool(match(v)) for v in text.tolist()], index=text.index, dtype=bool)


def _wan_to_yuan(value: str) -> str:
    """ "1234.5" (万元) to "12345000.00" (yuan), exactly: the decimal point moves four places."""
    whole, _, fraction = value.partition(".")
    if len(fraction) > 6:
        return str((Decimal(value) * WAN).quantize(CENT, rounding=ROUND_HALF_UP))
    fraction = fraction.ljust(6, "0")
    return f"{(whole + fraction[:4]).lstrip('0') or '0'}.{fraction[4:]}"


def validate(raw: RawTable, *, kind: str, context: ImportContext) -> Validated:
    from enterprises.importing.kinds import get_kind

    import_kind = get_kind(kind)
    checker = _Checker(raw, import_kind.columns, context)
    frame = pd.DataFrame({"row": raw.row_numbers})
    present = [key for key in checker.by_key if key in raw.columns]

    for formula in raw.formulas:
        header = raw.headers[formula.column].strip() if formula.column < len(raw.headers) else ""
        checker.issues.append(
            Issue(
                ERROR,
                raw.sheet,
                formula.row,
                header or column_letter(formula.column),
                "=" + formula.formula.lstrip("="),
                _("The cell holds a formula; the importer reads values only. Paste the cells as values."),
                "formula",
            )
        )
    used_positions = set(raw.columns.values())
    for reference in raw.merged:
        first, _colon, last = reference.partition(":")
        position = reading_column(first)
        if not any(position <= p <= reading_column(last or first) for p in used_positions):
            continue  # merged cells of a column the import ignores
        header = raw.headers[position].strip() if position < len(raw.headers) else ""
        checker.issues.append(
            Issue(
                ERROR,
                raw.sheet,
                int(re.sub(r"^[A-Z]+", "", first)),
                header or column_letter(position),
                reference,
                _(
                    "Cells %(range)s are merged: the value is read on the first row only and the other rows would be "
                    "empty. Unmerge them and fill in every row."
                )
                % {"range": reference},
                "merged",
            )
        )
    for sheet in raw.hidden_sheets:
        checker.issues.append(
            Issue(
                WARNING,
                sheet,
                None,
                "",
                "",
                _("This sheet is hidden and was not read; only visible sheets are imported."),
                "sheet.hidden",
            )
        )
    for header in raw.duplicate_headers:
        checker.issues.append(
            Issue(
                ERROR,
                raw.sheet,
                raw.header_row,
                header,
                header,
                _("This column appears twice in the header row; keep one."),
                "header.duplicate",
            )
        )

    _parse_cells(checker, raw, frame, present, context)
    import_kind.check_rows(checker, frame, present)
    _check_against_registry(checker, frame, kind=kind, context=context, creates_firms=import_kind.creates_firms)
    if import_kind.check_stored is not None:
        import_kind.check_stored(checker, frame, context)
    order = {checker.header(key): position for key, position in raw.columns.items()}
    checker.issues.sort(key=lambda issue: (issue.row or 0, order.get(issue.column, -1)))
    return Validated(frame=frame, issues=checker.issues, present=present)


def _parse_cells(checker: _Checker, raw: RawTable, frame: pd.DataFrame, present: list[str], context) -> None:
    """Each present column's cells checked and typed into `frame` (consumes raw.cells); the others empty."""
    for key in present:
        column = checker.by_key[key]
        checker.texts[key] = _check_invisible(checker, column, _texts(raw, key))
        # The file's own cells of this column are not read again: dropped as each column becomes text, they leave
        # the peak of a 300,000-row check lower by about a quarter. (validate consumes raw.cells.)
        cells = raw.cells.pop(key)
        frame[key] = _parse_column(checker, column, checker.texts[key], context)
        if raw.file_format == "xlsx" and column.cell_type.value in NUMBER_TYPES:
            numbers = _numbers_only(cells)
            if numbers is not None:
                checker.texts[key] = _texts_of_numbers(numbers, cells.index)
        del cells
    for key in checker.by_key:
        if key not in frame:
            frame[key] = _empty_column(checker.by_key[key], frame.index)


# One firm-year of values outside a file (the yearly report's form): the year's figures and the founding date.
YEAR_VALUE_COLUMNS: tuple[Column, ...] = (
    *(c for c in ENTERPRISE_COLUMNS if c.key == "founded_on"),
    *INDICATOR_COLUMNS,
)


@dataclass
class YearValues:
    values: dict[str, object]  # field -> int (counts), Decimal in yuan (amounts in 万元 typed), date; None if bad
    errors: dict[str, list[str]]  # field -> the import's error messages for it
    warnings: dict[str, list[str]]

    @property
    def is_valid(self) -> bool:
        return not self.errors


def validate_year_values(texts: dict[str, str], *, year: int, today: dt.date | None = None) -> YearValues:
    """One firm-year of values, each as a person typed it (amounts in 万元, as in the import template), checked by
    the import's own cell parsers and row checks (`check_enterprise_rows`): the same rules and messages as a file's
    row. Keys are those of YEAR_VALUE_COLUMNS; others are ignored. Reads nothing from the database."""
    keys = [c.key for c in YEAR_VALUE_COLUMNS if c.key in texts]
    present = ["year", *keys]
    by_key = {c.key: c for c in ENTERPRISE_COLUMNS}
    raw = RawTable(
        file_format="csv",
        encoding="utf-8",
        sheet="",
        header_row=1,
        headers=[by_key[key].header for key in present],
        columns={key: position for position, key in enumerate(present)},
        extra_headers=[],
        cells=pd.DataFrame(
            {key: [str(year) if key == "year" else str(texts[key] or "")] for key in present}, dtype=object
        ),
        row_numbers=[2],
    )
    context = ImportContext(allowed_county_ids=None, default_county_id=None, today=today or timezone.localdate())
    checker = _Checker(raw, ENTERPRISE_COLUMNS, context)
    frame = pd.DataFrame({"row": raw.row_numbers})
    _parse_cells(checker, raw, frame, present, context)
    check_enterprise_rows(checker, frame, present)
    field_of = {by_key[key].header: key for key in present}
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for issue in checker.issues:
        found = errors if issue.severity == ERROR else warnings
        found.setdefault(field_of.get(issue.column, issue.column), []).append(issue.message)
    values: dict[str, object] = {}
    for key in keys:
        value = frame[key].iat[0]
        if key in errors or _shown(value) == "":
            values[key] = None
        elif by_key[key].cell_type is CellType.DATE:
            values[key] = dt.date.fromisoformat(value)
        elif by_key[key].cell_type is CellType.MONEY_WAN:
            values[key] = Decimal(value)
        else:
            values[key] = int(value)
    return YearValues(values=values, errors=errors, warnings=warnings)


def reading_column(reference: str) -> int:
    """The 0-based column of a cell reference such as "AA12"."""
    number = 0
    for letter in re.match(r"[A-Z]*", reference).group():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _empty_column(column: Column, index: pd.Index) -> pd.Series:
    if column.cell_type in (CellType.COUNT, CellType.YEAR, CellType.COUNTY):
        return pd.Series(pd.NA, index=index, dtype="Int64")
    return pd.Series("", index=index, dtype=object)


def _invisible_name(character: str) -> str:
    # Looked up at each call: a translation made at import time would stay in the language of the first request.
    names = {
        "\x00": _("a NUL character"),
        "\u200b": _("a zero-width space (U+200B)"),
        "\ufeff": _("a byte-order mark (U+FEFF)"),
        "\u00ad": _("a soft hyphen (U+00AD)"),
    }
    return names.get(character) or _("an invisible character (U+%(code)04X)") % {"code": ord(character)}


def _check_invisible(checker: _Checker, column: Column, text: pd.Series) -> pd.Series:
    """Invisible characters are dropped from codes and figures (a warning names the cell), and reported as errors in
    names and other text, where dropping them would change what is stored unseen. One search over the whole column
    finds almost every file clean."""
    values = text.tolist()
    if not INVISIBLE.search("\n".join(values)):
        return text
    found = [INVISIBLE.search(v) for v in values]
    mask = np.array([m is not None for m in found], dtype=bool)
    shown = [v.encode("unicode_escape").decode("ascii") if m else v for v, m in zip(values, found, strict=True)]
    if column.cell_type.value in CODE_TYPES:
        checker.flag(
            mask,
            column.key,
            shown,
            lambda i: _("The cell held %(what)s, which was removed.") % {"what": _invisible_name(found[i].group())},
            code="invisible.removed",
            severity=WARNING,
        )
        return pd.Series([INVISIBLE.sub("", v).strip() for v in values], index=text.index, dtype=object)
    checker.flag(
        mask,
        column.key,
        shown,
        lambda i: (
            _("The text holds %(what)s at character %(position)d, which cannot be seen; delete it.")
            % {"what": _invisible_name(found[i].group()), "position": found[i].start() + 1}
        ),
        code="invisible",
    )
    return text


def _parse_column(checker: _Checker, column: Column, text: pd.Series, context: ImportContext) -> pd.Series:
    key = column.key
    if column.cell_type is CellType.TEXT:
        # A text our export wrote with its neutralising apostrophe ("'=1+2") is the registry's own, read back as
        # text: it is not a formula typed into the file, so only texts starting without it are flagged below.
        raw_starts = [v.startswith(FORMULA_START) for v in text.tolist()]
        neutralised = NEUTRALISED_PREFIX.match
        text = pd.Series([v[1:] if neutralised(v) else v for v in text.tolist()], index=text.index, dtype=object)
    empty = text.eq("")
    if column.required:
        checker.flag(empty, key, text, _("This column must not be empty."), code="required")

    match column.cell_type:
        case CellType.TEXT:
            starts = pd.Series(raw_starts, index=text.index, dtype=bool)
            if starts.any() and key == "contact_phone":
                starts &= ~_matches(PHONE_WITH_PREFIX, text)
            checker.flag(
                starts,
                key,
                text,
                _(
                    "The text begins with =, +, - or @, which spreadsheet programs run as a formula; "
                    "write it without that first character."
                ),
                code="text.formula_like",
            )
            if column.max_length:
                checker.flag(
                    text.map(len) > column.max_length,
                    key,
                    text,
                    _("At most %(max)d characters.") % {"max": column.max_length},
                    code="too_long",
                )
            return text
        case CellType.CREDIT_CODE:
            return _parse_credit_codes(checker, text, empty, context)
        case CellType.COUNTY:
            return _parse_counties(checker, text, empty, context)
        case CellType.INDUSTRY_CODE:
            codes = text.str.normalize("NFKC").str.upper().str.replace(r"^[A-Z]", "", regex=True)
            bad = ~empty & ~codes.str.fullmatch(r"(?a)\d{2,4}")
            checker.flag(
                bad, key, text, _("Expected a GB/T 4754 industry code of 2 to 4 digits, e.g. 3511."), code="industry"
            )
            return pd.Series(_shared(codes.where(~bad, "").tolist()), index=text.index, dtype=object)
        case CellType.CHOICE:
            values = pd.Series(
                [column.choices.get(v.casefold()) for v in text.tolist()], index=text.index, dtype=object
            )
            bad = ~empty & values.isna()
            allowed = "、".join(column.choice_labels.values())
            checker.flag(
                bad, key, text, _("Unknown value; expected one of: %(allowed)s.") % {"allowed": allowed}, code="choice"
            )
            return values.fillna("")
        case CellType.DATE:
            return _parse_dates(checker, key, text, empty, context)
        case CellType.YEAR:
            return _parse_years(checker, key, text, empty, context)
        case CellType.COUNT:
            return _parse_counts(checker, key, text, empty)
        case CellType.MONEY_WAN:
            return _parse_money(checker, key, text, empty)
    raise AssertionError(column.cell_type)


def credit_codes_valid(codes: list[str]) -> np.ndarray:
    """The check of GB 32100-2015 over a whole column at once; agrees with stdnum.cn.uscc.is_valid."""
    shaped = CODE_SHAPE.fullmatch
    valid = np.zeros(len(codes), dtype=bool)
    positions = [i for i, code in enumerate(codes) if shaped(code)]
    if positions:
        characters = np.frombuffer("".join(codes[i] for i in positions).encode("ascii"), dtype=np.uint8)
        values = CODE_VALUES[characters.reshape(-1, 18)]
        expected = (31 - (values[:, :17] @ CODE_WEIGHTS) % 31) % 31
        valid[positions] = expected == values[:, 17]
    return valid


def _parse_credit_codes(checker, text, empty, context) -> pd.Series:
    shaped = CODE_SHAPE.fullmatch
    codes = pd.Series([v if shaped(v) else normalize_credit_code(v) for v in text.tolist()], index=text.index)
    valid = pd.Series(credit_codes_valid(codes.tolist()), index=text.index)
    for position in np.flatnonzero(~valid.to_numpy() & ~empty.to_numpy()):
        try:
            validate_credit_code(codes.iat[position])
        except ValidationError as error:
            if error.code == "checksum" and context.accept_bad_check_characters:
                checker.checked.iat[position] = False
                checker.flag(
                    _single(len(text), position),
                    "credit_code",
                    text,
                    _("The check character fails; accepted as an early pilot code, as asked."),
                    code="credit_code.checksum_accepted",
                    severity=WARNING,
                )
                continue
            checker.flag(
                _single(len(text), position), "credit_code", text, error.messages[0], code=f"credit_code.{error.code}"
            )
    return codes


def _single(length: int, position: int) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    mask[position] = True
    return mask


def _county_lookup() -> dict[str, int]:
    lookup = {}
    for county_id, code, name in County.objects.values_list("id", "code", "name"):
        lookup[code] = county_id
        lookup[name] = county_id
        lookup[name.casefold()] = county_id
    return lookup


def _parse_counties(checker, text, empty, context) -> pd.Series:
    lookup = _county_lookup()
    ids = pd.Series(
        [lookup.get(v, lookup.get("".join(unicodedata.normalize("NFKC", v).split()))) for v in text.tolist()],
        index=text.index,
        dtype=object,
    )
    unknown = ~empty & ids.isna()
    names = "、".join(County.objects.order_by("code").values_list("name", flat=True))
    checker.flag(
        unknown,
        "county",
        text,
        _("Unknown county; expected one of %(names)s, or its 6-digit code.") % {"names": names},
        code="county.unknown",
    )
    ids = ids.astype("Int64")
    if context.allowed_county_ids is not None:
        outside = ids.notna() & ~ids.isin(list(context.allowed_county_ids)).fillna(False)
        checker.flag(
            outside,
            "county",
            text,
            _("This county is outside your scope: you may import firms of your own county only."),
            code="county.out_of_scope",
        )
    return ids


def _normalise_date(value: str) -> str:
    value = DATE_SEPARATORS.sub("-", unicodedata.normalize("NFKC", value).replace("日", ""))
    return value.split(" ", 1)[0].split("T", 1)[0]  # a time after the date (from a datetime cell)


def _parse_dates(checker, key, text, empty, context) -> pd.Series:
    iso = ISO_DATE.fullmatch
    normalised = pd.Series(
        [v if (not v or iso(v)) else _normalise_date(v) for v in text.tolist()], index=text.index, dtype=object
    )
    parsed = pd.to_datetime(normalised, format="%Y-%m-%d", errors="coerce")
    compact = _matches(re.compile(r"(?a)\d{8}"), normalised)
    parsed = parsed.where(~compact, pd.to_datetime(normalised.where(compact), format="%Y%m%d", errors="coerce"))
    bad = ~empty & parsed.isna()
    checker.flag(bad, key, text, _("Not a valid date; write it as 2015-03-18 or 2015年3月18日."), code="date.invalid")
    earliest = pd.Timestamp(INDICATOR_YEAR_MIN - 100, 1, 1)
    implausible = parsed.notna() & (parsed < earliest)
    checker.flag(implausible, key, text, _("The date is implausibly early."), code="date.invalid")
    dates = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna() & ~implausible, "")
    return pd.Series(_shared(dates.tolist()), index=text.index, dtype=object)


def _parse_years(checker, key, text, empty, context) -> pd.Series:
    cleaned = _numeric_text(text, re.compile(r"年$"))
    # Only four digits can be a year; anything longer is out of range, not a number to convert.
    integral = _matches(re.compile(r"(?a)\d{1,4}(?:\.0+)?"), cleaned)
    too_long = ~integral & _matches(INTEGER, cleaned)
    years = pd.Series(
        [int(v.split(".", 1)[0]) if ok else pd.NA for v, ok in zip(cleaned.tolist(), integral.tolist(), strict=True)],
        index=text.index,
        dtype="Int64",
    )
    checker.flag(~empty & ~integral & ~too_long, key, text, _("Expected a year such as 2024."), code="year.invalid")
    latest = context.today.year
    outside = (years.notna() & ((years < INDICATOR_YEAR_MIN) | (years > latest))).fillna(False) | too_long
    checker.flag(
        outside,
        key,
        text,
        _("The year must lie between %(first)d and %(last)d.") % {"first": INDICATOR_YEAR_MIN, "last": latest},
        code="year.range",
    )
    return years.where(~outside)


def _separator_message() -> str:
    return _(
        "The separators in this number do not group its digits by three, so it is unclear what it means "
        "(a decimal comma?). Write it with a decimal point and without separators, e.g. 1234.5."
    )


def _parse_counts(checker, key, text, empty) -> pd.Series:
    cleaned = _numeric_text(text, COUNT_SUFFIX)
    integral = _matches(INTEGER, cleaned)
    negative = ~integral & _matches(NEGATIVE_NUMBER, cleaned)
    grouping = _badly_grouped(~integral & ~negative & ~empty, cleaned)
    checker.flag(negative, key, text, _("Must not be negative."), code="negative")
    checker.flag(grouping, key, text, _separator_message(), code="number.separators")
    checker.flag(
        ~empty & ~integral & ~negative & ~grouping,
        key,
        text,
        _("Expected a whole number, e.g. 25."),
        code="number.invalid",
    )
    counts = pd.Series(
        [int(v.split(".", 1)[0]) if ok else np.nan for v, ok in zip(cleaned.tolist(), integral.tolist(), strict=True)],
        index=text.index,
        dtype=float,
    )
    too_big = counts > MAX_COUNT
    checker.flag(too_big, key, text, _("The number is too large."), code="number.too_large")
    return counts.where(~too_big).astype("Int64")


def _parse_money(checker, key, text, empty) -> pd.Series:
    """Amounts in 万元 to yuan, as exact two-place decimal strings."""
    cleaned = _numeric_text(text, MONEY_SUFFIX)
    number = _matches(NUMBER, cleaned)
    negative = ~number & _matches(NEGATIVE_NUMBER, cleaned)
    in_yuan = ~number & pd.Series([v.endswith("元") for v in cleaned.tolist()], index=text.index)
    grouping = _badly_grouped(~number & ~negative & ~in_yuan & ~empty, cleaned)
    checker.flag(negative, key, text, _("Amounts must not be negative."), code="negative")
    checker.flag(grouping, key, text, _separator_message(), code="number.separators")
    checker.flag(
        in_yuan,
        key,
        text,
        _("This column is in 万元 (10,000 yuan); write the amount in 万元 without the 元 unit."),
        code="money.unit",
    )
    checker.flag(
        ~empty & ~number & ~negative & ~in_yuan & ~grouping,
        key,
        text,
        _("Expected an amount in 万元, e.g. 1234.5."),
        code="number.invalid",
    )
    too_big = number & pd.Series(
        [len(v.partition(".")[0].lstrip("0")) > MAX_WAN_INTEGER_DIGITS for v in cleaned.tolist()], index=text.index
    )
    checker.flag(too_big, key, text, _("The amount is too large."), code="number.too_large")
    good = (number & ~too_big).tolist()
    to_yuan = _once_per_value(_wan_to_yuan)
    return pd.Series(
        [to_yuan(v) if ok else "" for v, ok in zip(cleaned.tolist(), good, strict=True)],
        index=text.index,
        dtype=object,
    )


def check_enterprise_rows(checker: _Checker, frame: pd.DataFrame, present: list[str]) -> None:
    frame["credit_code_checked"] = checker.checked
    figures = [c.key for c in INDICATOR_COLUMNS if c.key in present]
    has_year = frame["year"].notna()
    if figures:
        any_figure = pd.Series(False, index=frame.index)
        for key in figures:
            any_figure |= checker.texts[key].ne("")
        year_blank = checker.texts["year"].eq("") if "year" in present else pd.Series(True, index=frame.index)
        checker.flag(
            any_figure & year_blank,
            "year",
            frame["year"],
            _("The year is required on a row that gives figures."),
            code="year.required",
        )
    # An empty figure on a row with a year counts as zero, as statistics tables are kept; the preview says where.
    for column in INDICATOR_COLUMNS:
        if column.key not in present:
            continue
        _report_empty_figures(checker, frame, column, has_year & checker.texts[column.key].eq(""))
        if column.cell_type is CellType.COUNT:
            frame[column.key] = frame[column.key].where(~(has_year & frame[column.key].isna()), 0)
        else:
            frame[column.key] = frame[column.key].where(~(has_year & frame[column.key].eq("")), "0.00")

    if {"employees", "st_personnel"} <= set(present):
        over = (frame["st_personnel"] > frame["employees"]).fillna(False)
        checker.flag(
            over,
            "st_personnel",
            frame["st_personnel"],
            lambda i: (
                _("S&T personnel (%(st)s) exceed the employees (%(employees)s).")
                % {"st": frame["st_personnel"].iat[i], "employees": frame["employees"].iat[i]}
            ),
            code="st_above_employees",
        )
    if {"rd_expense", "rd_expense_domestic"} <= set(present):
        rd_texts = checker.texts["rd_expense"]
        both = frame["rd_expense"].ne("") & frame["rd_expense_domestic"].ne("")
        rd = pd.to_numeric(frame["rd_expense"].where(both), errors="coerce")
        domestic = pd.to_numeric(frame["rd_expense_domestic"].where(both), errors="coerce")
        over = both & (domestic > rd)
        checker.flag(
            over,
            "rd_expense_domestic",
            checker.texts["rd_expense_domestic"],
            lambda i: _("R&D inside China exceeds the whole R&D expense (%(rd)s 万元).") % {"rd": rd_texts.iat[i]},
            code="domestic_above_rd",
        )
    if "industry_code" in present:
        division_names = frame["industry_code"].str[:2].map(INDUSTRY_DIVISIONS).fillna("")
        frame["industry_name"] = frame["industry_name"].where(frame["industry_name"].ne(""), division_names)
        if "industry_name" not in present:
            present.append("industry_name")  # derived from the code, so written with it
    if "founded_on" in present:
        future = frame["founded_on"].ne("") & (frame["founded_on"] > checker.context.today.isoformat())
        checker.flag(
            future, "founded_on", frame["founded_on"], _("The founding date lies in the future."), code="date.future"
        )

    _check_firm_details_agree(checker, frame, present)
    codes_and_years = frame[["credit_code", "year"]].copy()
    codes_and_years["year"] = codes_and_years["year"].fillna(-1)
    flag_repeats(
        checker,
        frame,
        codes_and_years,
        key="year" if "year" in present else "credit_code",
        message=_("The same firm and year already appear on row %(first)d."),
    )


def _row_ranges(rows: list[int], limit: int = 12) -> str:
    """[3, 4, 5, 9] -> "3–5, 9" (the first `limit` runs, then "…")."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    text = "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:limit])
    return text + ("…" if len(runs) > limit else "")


def _report_empty_figures(checker: _Checker, frame: pd.DataFrame, column: Column, empty: pd.Series) -> None:
    """One warning per column: which rows leave the figure empty, and that it is stored as 0."""
    if not empty.any():
        return
    rows = frame.loc[empty.to_numpy(), "row"].tolist()
    checker.issues.append(
        Issue(
            WARNING,
            checker.raw.sheet,
            int(rows[0]),
            checker.header(column.key),
            "",
            ngettext(
                "Empty on %(count)d row (row %(rows)s): stored as 0, replacing any figure the registry has for "
                "that firm and year. Write 0 where 0 is meant, or fill in the figure.",
                "Empty on %(count)d rows (rows %(rows)s): stored as 0, replacing any figure the registry has for "
                "those firms and years. Write 0 where 0 is meant, or fill in the figures.",
                len(rows),
            )
            % {"count": len(rows), "rows": _row_ranges(rows)},
            "figure.empty",
        )
    )


FIRM_DETAIL_KEYS = (
    "name",
    "county",
    "industry_code",
    "industry_name",
    "high_tech_field",
    "founded_on",
    "address",
    "contact_person",
    "contact_phone",
)


def _check_firm_details_agree(checker: _Checker, frame: pd.DataFrame, present: list[str]) -> None:
    """A firm on several rows (several years) must have the same details on each: otherwise which one the registry
    keeps would depend on the order of the rows."""
    codes = frame["credit_code"]
    usable = codes.ne("")
    if not codes[usable].duplicated().any():
        return
    for key in FIRM_DETAIL_KEYS:
        if key not in present or key not in checker.texts:
            continue
        values = frame[key].astype(object).where(frame[key].notna(), "").astype(str)
        filled = usable & values.ne("") & checker.texts[key].ne("")
        part = pd.DataFrame({"code": codes[filled], "value": values[filled], "row": frame.loc[filled, "row"]})
        if not part["code"].duplicated().any():
            continue
        grouped = part.groupby("code", sort=False)
        first_value = grouped["value"].transform("first")
        first_row = grouped["row"].transform("first")
        first_text = (
            pd.Series(checker.texts[key][filled].tolist(), index=part.index).groupby(part["code"]).transform("first")
        )
        conflict = pd.Series(False, index=frame.index)
        conflict.loc[part.index[part["value"].ne(first_value).to_numpy()]] = True
        checker.flag(
            conflict,
            key,
            checker.texts[key],
            lambda i, key=key, first_row=first_row, first_text=first_text: (
                _(
                    "Row %(first)d gives this firm another %(column)s (“%(other)s”); a firm's details must be the "
                    "same on every row of the file."
                )
                % {
                    "first": int(first_row.loc[frame.index[i]]),
                    "column": checker.header(key),
                    "other": first_text.loc[frame.index[i]],
                }
            ),
            code="firm.conflict",
        )


def check_qualification_rows(checker: _Checker, frame: pd.DataFrame) -> None:
    reversed_dates = frame["valid_from"].ne("") & frame["valid_to"].ne("") & (frame["valid_to"] < frame["valid_from"])
    checker.flag(
        reversed_dates,
        "valid_to",
        frame["valid_to"],
        lambda i: _("Valid to comes before valid from (%(start)s).") % {"start": frame["valid_from"].iat[i]},
        code="dates.reversed",
    )
    flag_repeats(
        checker,
        frame,
        frame[["credit_code", "kind", "valid_from"]],
        key="valid_from",
        message=_("The same firm, kind and start date already appear on row %(first)d."),
    )


def flag_repeats(checker, frame, keys: pd.DataFrame, *, key: str, message: str) -> None:
    usable = keys["credit_code"].ne("")
    repeated = keys.duplicated(keep="first") & usable
    if not repeated.any():
        return
    first_rows = frame.loc[usable].groupby([keys[c] for c in keys.columns], sort=False)["row"].transform("first")
    checker.flag(
        repeated, key, frame[key], lambda i: message % {"first": int(first_rows.loc[frame.index[i]])}, code="duplicate"
    )


def registry_rows(codes: list[str], fields: tuple[str, ...]) -> pd.DataFrame:
    """The registry's firms for `codes`. On PostgreSQL in one query, the codes as one array (IN lists of 5,000
    parameters cost about 2.5 s per 50,000 codes, the array 0.6 s); elsewhere in chunks (a 100,000-row file would
    overflow one IN list)."""
    from django.db import connection

    chunks = []
    unique = sorted(set(code for code in codes if code))
    if connection.vendor == "postgresql":
        columns = "".join(f", {Enterprise._meta.get_field(name).column}" for name in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, credit_code{columns} FROM {Enterprise._meta.db_table} WHERE credit_code = ANY(%s::text[])",
                [unique],
            )
            chunks = cursor.fetchall()
        return pd.DataFrame(chunks, columns=["enterprise_id", "credit_code", *fields])
    for start in range(0, len(unique), 5000):
        part = unique[start : start + 5000]
        chunks.extend(Enterprise.objects.filter(credit_code__in=part).values_list("id", "credit_code", *fields))
    return pd.DataFrame(chunks, columns=["enterprise_id", "credit_code", *fields])


def _check_against_registry(
    checker: _Checker, frame: pd.DataFrame, *, kind: str, context: ImportContext, creates_firms: bool
) -> None:
    existing = registry_rows(frame["credit_code"].tolist(), ("name", "county_id"))
    merged = frame[["credit_code"]].merge(existing, on="credit_code", how="left")
    merged.index = frame.index
    known = merged["enterprise_id"].notna()
    frame["enterprise_id"] = merged["enterprise_id"].astype("Int64")
    registry_county = merged["county_id"].astype("Int64")

    if context.allowed_county_ids is not None:
        outside = known & ~registry_county.isin(list(context.allowed_county_ids)).fillna(False)
        if kind == "enterprises":
            text = _("This firm is registered in another county; only that county or city staff may update it.")
        else:
            text = _("No firm with this credit code in the registry of your county.")
        checker.flag(outside, "credit_code", frame["credit_code"], text, code="credit_code.out_of_scope")

    if kind == "enterprises":
        _check_companions_in_registry(checker, frame)

    if not creates_firms:
        unknown = ~known & frame["credit_code"].ne("")
        checker.flag(
            unknown,
            "credit_code",
            frame["credit_code"],
            _("No firm with this credit code in the registry; import it with the enterprise template first."),
            code="credit_code.unknown",
        )

    names = frame["name"]
    differs = known & names.ne("") & names.ne(merged["name"].fillna(""))
    checker.flag(
        differs,
        "name",
        names,
        lambda i: (
            (
                _("The registry's name for this credit code is “%(registered)s”; committing replaces it with this one.")
                if kind == "enterprises"
                else _("The registry's name for this credit code is “%(registered)s”.")
            )
            % {"registered": merged["name"].iat[i]}
        ),
        code="name.differs",
        severity=WARNING,
    )

    if kind == "enterprises":
        county = frame["county"]
        if context.default_county_id is not None:
            county = county.fillna(context.default_county_id)
        # An existing firm keeps its county when the row leaves it empty.
        county = county.fillna(registry_county)
        county_blank = checker.texts["county"].eq("") if "county" in checker.texts else True
        missing = county.isna() & ~known & county_blank
        checker.flag(
            missing & frame["credit_code"].ne(""),
            "county",
            frame["county"],
            _("The county is required for a firm not yet in the registry."),
            code="county.required",
        )
        moves = known & frame["county"].notna() & frame["county"].ne(registry_county).fillna(False)
        if context.allowed_county_ids is None and moves.any():
            county_names = dict(County.objects.values_list("id", "name"))
            checker.flag(
                moves,
                "county",
                frame["county"].map(county_names),
                lambda i: (
                    _("The firm moves from %(old)s to this county.")
                    % {"old": county_names.get(int(registry_county.iat[i]), "?")}
                ),
                code="county.moves",
                severity=WARNING,
            )
        frame["county_id"] = county


# Figure pairs with an order between them (the table's check constraints): (the larger, the part, issue code).
ORDERED_FIGURES = (
    ("employees", "st_personnel", "st_above_employees"),
    ("rd_expense", "rd_expense_domestic", "domestic_above_rd"),
)


def _check_companions_in_registry(checker: _Checker, frame: pd.DataFrame) -> None:
    """A file may carry one figure of an ordered pair without the other: then the other is the registry's (or 0 on
    a new row), and the order must hold against it, or the commit would break the table's constraint."""
    present = set(checker.raw.columns)
    for larger, part, code in ORDERED_FIGURES:
        if (larger in present) == (part in present):
            continue
        given, missing = (larger, part) if larger in present else (part, larger)
        rows = frame["year"].notna() & frame[given].notna() & frame[given].astype(str).ne("")
        if not rows.any():
            continue
        stored = _stored_figures(frame.loc[rows], missing)
        other = pd.to_numeric(stored, errors="coerce").fillna(0)
        value = pd.to_numeric(frame.loc[rows, given].astype(object), errors="coerce")
        broken = (value > other) if given == part else (value < other)
        mask = pd.Series(False, index=frame.index)
        mask.loc[broken[broken].index] = True
        label = checker.by_key[missing].header
        checker.flag(
            mask,
            given,
            checker.texts[given],
            lambda i, label=label, other=other: (
                _(
                    "Against the registry's %(other_column)s of %(other)s for this firm and year (the file has no such "
                    "column), this value breaks their order."
                )
                % {"other_column": label, "other": other.get(frame.index[i], 0)}
            ),
            code=code,
        )


def _stored_figures(rows: pd.DataFrame, field_name: str) -> pd.Series:
    from enterprises.models import AnnualIndicator

    known = rows[rows["enterprise_id"].notna()]
    ids = sorted(set(known["enterprise_id"].astype(int)))
    years = sorted(set(known["year"].astype(int)))
    found = {}
    for start in range(0, len(ids), 5000):
        for enterprise_id, year, value in AnnualIndicator.objects.filter(
            enterprise_id__in=ids[start : start + 5000], year__in=years
        ).values_list("enterprise_id", "year", field_name):
            found[(enterprise_id, year)] = value
    keys = zip(rows["enterprise_id"].tolist(), rows["year"].tolist(), strict=True)
    return pd.Series(
        [found.get((int(e), int(y)), 0) if e is not pd.NA else 0 for e, y in keys], index=rows.index, dtype=object
    )
