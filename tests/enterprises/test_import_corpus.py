"""The corpus of bad files (tests/data/import_corpus, made by tests/data/make_corpus.py): each is rejected with a
message naming its row and column, and the registry stays exactly as it was. The good files parse the way people
write numbers, dates and encodings."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from accounts.models import Role
from enterprises.credit_codes import passes_check
from enterprises.importing.columns import ENTERPRISE_COLUMNS
from enterprises.importing.reading import decode_text
from enterprises.importing.services import import_job_request_commit
from enterprises.importing.validation import INVISIBLE
from enterprises.models import AnnualIndicator, Enterprise, ImportJob
from enterprises.workflows import TransitionNotAllowed
from tests.data import make_corpus
from tests.data.make_corpus import CORPUS_DIR, GOOD_CSV_VALUES, REGISTRY, TEMPLATE_COLUMNS, YEAR

CITY = "city staff"
XINHUA = "新华区 county staff"
ENTERPRISES, QUALIFICATIONS = "enterprises", "qualifications"
FILE = None  # file-level problems name no column

# file name: (kind, uploaded by, issue code, row, column header as written in the file, part of the message)
BAD_FILES = {
    "credit_code_checksum.csv": (ENTERPRISES, CITY, "credit_code.checksum", 3, "统一社会信用代码", "check character"),
    "credit_code_length.csv": (ENTERPRISES, CITY, "credit_code.length", 2, "统一社会信用代码", "has 17"),
    "credit_code_format.csv": (ENTERPRISES, CITY, "credit_code.format", 4, "统一社会信用代码", "Character 10 (“I”)"),
    "county_unknown.csv": (ENTERPRISES, CITY, "county.unknown", 3, "县区", "Unknown county"),
    "county_out_of_scope.csv": (ENTERPRISES, XINHUA, "county.out_of_scope", 4, "县区", "outside your scope"),
    "firm_out_of_scope.csv": (
        ENTERPRISES,
        XINHUA,
        "credit_code.out_of_scope",
        3,
        "统一社会信用代码",
        "registered in another county",
    ),
    "county_required.csv": (ENTERPRISES, CITY, "county.required", 3, "县区", "county is required"),
    "negative_amount.csv": (ENTERPRISES, CITY, "negative", 3, "研发费用(万元)", "not be negative"),
    "negative_count.xlsx": (ENTERPRISES, CITY, "negative", 4, "从业人员", "not be negative"),
    "number_invalid.csv": (ENTERPRISES, CITY, "number.invalid", 2, "营业收入(万元)", "Expected an amount"),
    "money_in_yuan.csv": (ENTERPRISES, CITY, "money.unit", 4, "营业收入(万元)", "without the 元 unit"),
    "st_above_employees.csv": (
        ENTERPRISES,
        CITY,
        "st_above_employees",
        2,
        "科技人员",
        "S&T personnel (150) exceed the employees (120)",
    ),
    "domestic_above_rd.csv": (
        ENTERPRISES,
        CITY,
        "domestic_above_rd",
        4,
        "境内研发费用(万元)",
        "exceeds the whole R&D expense (120 万元)",
    ),
    "year_out_of_range.csv": (ENTERPRISES, CITY, "year.range", 3, "年度", "between 1949 and"),
    "year_invalid.csv": (ENTERPRISES, CITY, "year.invalid", 4, "年度", "Expected a year"),
    "year_required.csv": (ENTERPRISES, CITY, "year.required", 3, "年度", "year is required"),
    "date_invalid.csv": (ENTERPRISES, CITY, "date.invalid", 2, "成立日期", "Not a valid date"),
    "date_future.csv": (ENTERPRISES, CITY, "date.future", 4, "成立日期", "in the future"),
    "duplicate_firm_year.csv": (ENTERPRISES, CITY, "duplicate", 5, "年度", "already appear on row 2"),
    "choice_unknown.csv": (ENTERPRISES, CITY, "choice", 3, "高新技术领域", "expected one of"),
    "required_name_empty.csv": (ENTERPRISES, CITY, "required", 3, "企业名称", "must not be empty"),
    "header_duplicate.csv": (ENTERPRISES, CITY, "header.duplicate", 1, "名称", "appears twice"),
    "formulas.xlsx": (ENTERPRISES, CITY, "formula", 3, "营业收入(万元)", "holds a formula"),
    "gbk_county_unknown.csv": (ENTERPRISES, CITY, "county.unknown", 4, "县区", "Unknown county"),
    "gb18030_date_invalid.csv": (ENTERPRISES, CITY, "date.invalid", 3, "成立日期", "Not a valid date"),
    "utf8_bom_year_out_of_range.csv": (ENTERPRISES, CITY, "year.range", 4, "年度", "between 1949 and"),
    "wrong_header.csv": (ENTERPRISES, CITY, "file", 1, FILE, "header row of “wrong_header.csv” was not recognised"),
    "missing_required_column.csv": (ENTERPRISES, CITY, "file", 1, FILE, "lacks the required column(s) “企业名称”"),
    "header_only.csv": (ENTERPRISES, CITY, "file", 2, FILE, "has a header row but no data rows"),
    "empty_sheet.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is empty: it has no header row and no data"),
    "zero_bytes.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is empty (0 bytes)"),
    "not_a_spreadsheet.xlsx": (
        ENTERPRISES,
        CITY,
        "file",
        None,
        FILE,
        "is a PNG image, not an xlsx workbook or a csv file",
    ),
    "random_binary.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "neither an xlsx workbook nor a csv"),
    "zip_not_xlsx.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "cannot be opened as an xlsx workbook"),
    "old_excel.xls": (ENTERPRISES, CITY, "file", None, FILE, "Excel 97-2003 (.xls)"),
    "document.pdf": (ENTERPRISES, CITY, "file", None, FILE, "is a PDF document"),
    # Hostile files (tests/data/make_corpus.py hostile()): refused before parsing, or one cell named.
    "zip_bomb.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "unpacks from 48.4 KB to 48.0 MB (1016 times)"),
    "lying_zip_sizes.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "Bad CRC-32"),
    "sparse_stray_cell.xlsx": (ENTERPRISES, CITY, "file", 1048576, FILE, "as far down as AA1048576 (row 1,048,576)"),
    "far_right_cell.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "as far right as column XFD"),
    "web_page.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is a web page (HTML)"),
    "program.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is a Windows program (executable)"),
    "word_document.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is a Word document (.docx)"),
    "excel_2003_xml.xlsx": (ENTERPRISES, CITY, "file", None, FILE, "is an Excel 2003 XML spreadsheet"),
    "hidden_sheet_only.xlsx": (
        ENTERPRISES,
        CITY,
        "file",
        None,
        FILE,
        "Hidden sheets are not read (hidden here: 企业年度数据)",
    ),
    "separator_decimal_comma.csv": (
        ENTERPRISES,
        CITY,
        "number.separators",
        3,
        "营业收入(万元)",
        "do not group its digits by three",
    ),
    "separator_european.csv": (ENTERPRISES, CITY, "number.separators", 4, "营业收入(万元)", "(a decimal comma?)"),
    "firm_conflict.csv": (
        ENTERPRISES,
        CITY,
        "firm.conflict",
        5,
        "县区",
        "Row 2 gives this firm another 县区 (“新华区”)",
    ),
    "formula_like_name.csv": (ENTERPRISES, CITY, "text.formula_like", 3, "企业名称", "begins with =, +, - or @"),
    "formula_like_name.xlsx": (ENTERPRISES, CITY, "text.formula_like", 4, "企业名称", "begins with =, +, - or @"),
    "nul_in_name.csv": (ENTERPRISES, CITY, "invisible", 3, "企业名称", "holds a NUL character at character 4"),
    "zero_width_in_name.csv": (
        ENTERPRISES,
        CITY,
        "invisible",
        4,
        "企业名称",
        "holds a zero-width space (U+200B) at character 15",
    ),
    "qualification_dates_reversed.csv": (
        QUALIFICATIONS,
        CITY,
        "dates.reversed",
        3,
        "有效期止",
        "before valid from (2025-04-01)",
    ),
    "qualification_unknown_firm.csv": (
        QUALIFICATIONS,
        CITY,
        "credit_code.unknown",
        4,
        "统一社会信用代码",
        "No firm with this credit code",
    ),
    "qualification_kind_unknown.csv": (QUALIFICATIONS, CITY, "choice", 2, "资质类型", "expected one of"),
    "qualification_duplicate.csv": (QUALIFICATIONS, CITY, "duplicate", 5, "有效期起", "already appear on row 2"),
    "qualification_date_invalid.csv": (QUALIFICATIONS, CITY, "date.invalid", 4, "有效期起", "Not a valid date"),
}
# Hostile files read with a warning, or refused only under a lowered limit: tests/enterprises/test_import_hostile.py.
HOSTILE_FILES_TESTED_ELSEWHERE = {
    "empty_figure.csv",
    "invisible_in_credit_code.csv",
    "hidden_sheet.xlsx",
    "merged_revenue.xlsx",
    "too_many_rows.csv",
    "too_many_rows.xlsx",
}
GOOD_FILES = {
    "good_enterprises.csv": ENTERPRISES,
    "good_enterprises.xlsx": ENTERPRISES,
    "good_qualifications.csv": QUALIFICATIONS,
    "name_differs.csv": ENTERPRISES,  # a warning only: see test_import_commit.py
}


@pytest.fixture
def uploaders(make_user):
    return {CITY: make_user(Role.CITY_STAFF), XINHUA: make_user(Role.COUNTY_STAFF, county_code="410402")}


def _issues_with(job: ImportJob, code: str) -> list[dict]:
    return [issue for issue in job.issues_preview if issue["code"] == code]


@pytest.mark.parametrize("file_name", sorted(BAD_FILES))
def test_import_bad_file_is_rejected_and_changes_nothing(
    file_name, run_import, uploaders, corpus_registry, registry_fingerprint
):
    kind, uploader, code, row, column, fragment = BAD_FILES[file_name]
    user = uploaders[uploader]
    before = registry_fingerprint()
    assert before["Enterprise"] == len(REGISTRY) and before["AnnualIndicator"] and before["Qualification"]

    job = run_import(file_name, user=user, kind=kind)

    assert job.status == ImportJob.Status.INVALID
    assert job.error_count >= 1
    matching = _issues_with(job, code)
    assert matching, job.issues_preview
    issue = matching[0]
    assert issue["severity"] == "error"
    assert issue["row"] == row
    assert issue["column"] == (column or "")
    assert fragment in issue["message"]
    # One kind of error per file, on one known cell: nothing is reported anywhere else.
    assert {(i["row"], i["column"]) for i in job.issues_preview} == {(row, column or "")}
    assert registry_fingerprint() == before

    with pytest.raises(TransitionNotAllowed):
        import_job_request_commit(job=job, actor=user)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert registry_fingerprint() == before


def test_import_gbk_csv_is_decoded(run_import, uploaders, corpus_registry):
    content = (CORPUS_DIR / "gbk_county_unknown.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    job = run_import("gbk_county_unknown.csv", user=uploaders[CITY])

    assert job.encoding == "GBK/GB18030"
    # The bad county comes back as the text the user wrote: the bytes were read as GBK.
    assert _issues_with(job, "county.unknown")[0]["value"] == "东城区"


def test_import_gb18030_csv_is_decoded(run_import, uploaders, corpus_registry):
    content = (CORPUS_DIR / "gb18030_date_invalid.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("gbk")  # 𠮷 exists in GB18030 only

    job = run_import("gb18030_date_invalid.csv", user=uploaders[CITY])

    assert job.encoding == "GBK/GB18030"
    assert job.row_count == 3
    assert [issue["code"] for issue in job.issues_preview] == ["date.invalid"]  # the name with 𠮷 is fine


def test_import_utf8_bom_csv_keeps_its_first_header(run_import, uploaders, corpus_registry):
    assert (CORPUS_DIR / "utf8_bom_year_out_of_range.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    job = run_import("utf8_bom_year_out_of_range.csv", user=uploaders[CITY])

    assert job.encoding == "UTF-8 (BOM)"
    # Behind the BOM, the credit code header was recognised: the only problem is the year.
    assert [issue["code"] for issue in job.issues_preview] == ["year.range"]


def test_import_formula_issue_shows_the_formula(run_import, uploaders, corpus_registry):
    job = run_import("formulas.xlsx", user=uploaders[CITY])

    assert _issues_with(job, "formula")[0]["value"] == "=1000*3"


def test_import_good_csv_parses_separators_full_width_digits_and_units(
    run_import, run_commit, uploaders, corpus_registry
):
    user = uploaders[CITY]

    job = run_import("good_enterprises.csv", user=user)

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert (job.row_count, job.new_firms, job.new_rows, job.updated_rows) == (3, 3, 3, 0)
    assert job.error_count == 0
    # Row 4 leaves four figures empty: each column says so (stored as 0), nothing else is reported.
    empty = [(i["row"], i["column"]) for i in job.issues_preview if i["code"] == "figure.empty"]
    assert empty == [(4, "科技人员"), (4, "研发费用(万元)"), (4, "境内研发费用"), (4, "发明专利")]
    assert all("stored as 0" in i["message"] for i in job.issues_preview)
    assert job.warning_count == 4
    job = run_commit(job, user=user)
    assert job.status == ImportJob.Status.COMMITTED
    for code, expected in GOOD_CSV_VALUES.items():
        enterprise = Enterprise.objects.select_related("county").get(credit_code=code)
        figures = AnnualIndicator.objects.get(enterprise=enterprise, year=YEAR)
        assert enterprise.county.code == expected["county"]
        assert enterprise.industry_code == expected["industry_code"]
        assert enterprise.high_tech_field == expected["high_tech_field"]
        assert enterprise.founded_on == expected["founded_on"]
        assert figures.employees == expected["employees"]
        assert figures.st_personnel == expected["st_personnel"]
        assert figures.revenue == Decimal(expected["revenue"])
        assert figures.rd_expense == Decimal(expected["rd_expense"])
        assert figures.rd_expense_domestic == Decimal(expected["rd_expense_domestic"])
        assert figures.invention_patents == expected["invention_patents"]
    # "1,234.5 万元" is 12,345,000 yuan.
    first = AnnualIndicator.objects.get(enterprise__credit_code=make_corpus.firm_code("410402", 1))
    assert first.revenue == Decimal("12345000.00")


def test_import_good_xlsx_with_title_row_and_extra_column(run_import, run_commit, uploaders, corpus_registry):
    user = uploaders[CITY]

    job = run_import("good_enterprises.xlsx", user=user)

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert job.file_format == "xlsx"
    assert job.extra_columns == ["备注"]
    assert (job.row_count, job.new_firms, job.new_rows) == (2, 2, 2)
    job = run_commit(job, user=user)
    assert job.status == ImportJob.Status.COMMITTED
    enterprise = Enterprise.objects.get(credit_code=make_corpus.firm_code("410422", 12))
    assert enterprise.county.name == "叶县"
    assert enterprise.founded_on == datetime.date(2012, 9, 12)  # a date cell
    assert enterprise.high_tech_field == "bio_medicine"
    assert enterprise.industry_name == "医药制造业"  # the empty name is filled from the industry code
    figures = enterprise.indicators.get(year=YEAR)
    assert figures.revenue == Decimal("123456700.00")  # 12345.67 万元
    assert figures.total_costs == Decimal("110005000.00")
    assert figures.rd_expense_domestic == Decimal("5502500.00")
    assert (figures.employees, figures.st_personnel, figures.software_copyrights) == (300, 45, 6)


def test_import_good_qualifications(run_import, uploaders, corpus_registry):
    job = run_import("good_qualifications.csv", user=uploaders[CITY], kind=QUALIFICATIONS)

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert (job.row_count, job.new_rows, job.updated_rows, job.unchanged_rows) == (3, 3, 0, 0)


def test_import_unknown_county_is_reported_once(run_import, uploaders, corpus_registry):
    """The county cell is filled (with a name that is no county): "required" would be a second, wrong message."""
    job = run_import("county_unknown.csv", user=uploaders[CITY])

    assert [issue["code"] for issue in job.issues_preview] == ["county.unknown"]
    assert job.error_count == 1


def test_import_year_required_shows_empty_value(run_import, uploaders, corpus_registry):
    """An empty cell is shown as empty, not as pandas' "<NA>" (which the error report also writes into the cell)."""
    job = run_import("year_required.csv", user=uploaders[CITY])

    assert _issues_with(job, "year.required")[0]["value"] == ""


def test_import_county_required_shows_empty_value(run_import, uploaders, corpus_registry):
    job = run_import("county_required.csv", user=uploaders[CITY])

    assert _issues_with(job, "county.required")[0]["value"] == ""


def test_import_huge_year_is_an_error_not_a_crash(run_import, uploaders, registry_fingerprint):
    header = ",".join(make_corpus.ENTERPRISE_HEADER)
    row = make_corpus.enterprise_row(1)
    row[make_corpus.ENTERPRISE_HEADER.index("年度")] = "99999999999999999999"
    content = f"{header}\r\n{','.join(row)}\r\n".encode()
    before = registry_fingerprint()

    try:
        job = run_import(content, user=uploaders[CITY], file_name="huge_year.csv")
    except Exception as error:
        job = ImportJob.objects.get(file_name="huge_year.csv")
        pytest.fail(f"the check crashed ({error!r}) and left the import {job.status!r}")

    assert job.status == ImportJob.Status.INVALID
    assert [(i["code"], i["row"], i["column"]) for i in job.issues_preview] == [("year.range", 2, "年度")]
    assert registry_fingerprint() == before


# --- The corpus itself ---------------------------------------------------------------------------------------------


def test_corpus_files_are_all_listed():
    on_disk = {path.name for path in CORPUS_DIR.iterdir()}

    assert on_disk == set(BAD_FILES) | set(GOOD_FILES) | HOSTILE_FILES_TESTED_ELSEWHERE
    assert len(BAD_FILES) >= 12


def _xlsx_cells(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [(sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]) for sheet in workbook]


XLSXWRITER_FILES = ("empty_sheet.xlsx", "formulas.xlsx", "negative_count.xlsx", "good_enterprises.xlsx")


def test_corpus_files_are_what_make_corpus_generates():
    """The committed files are the script's output: byte for byte, or for workbooks cell for cell (another
    XlsxWriter version may zip the same cells differently)."""
    generated = make_corpus.build()

    assert sorted(generated) == sorted(path.name for path in CORPUS_DIR.iterdir())
    for name, content in generated.items():
        on_disk = (CORPUS_DIR / name).read_bytes()
        if on_disk != content and name in XLSXWRITER_FILES:
            assert _xlsx_cells(on_disk) == _xlsx_cells(content), f"{name}: run tests/data/make_corpus.py"
        else:
            assert on_disk == content, f"{name}: run tests/data/make_corpus.py"


def test_corpus_template_columns_match_the_importer():
    assert [(column.key, column.header) for column in ENTERPRISE_COLUMNS] == make_corpus.TEMPLATE_COLUMNS
    assert [header for _key, header in TEMPLATE_COLUMNS][:2] == ["统一社会信用代码", "企业名称"]


def test_corpus_credit_codes_are_valid_outside_the_credit_code_files():
    checked = 0
    for path in sorted(CORPUS_DIR.glob("*.csv")):
        text, _encoding = decode_text(path.read_bytes(), file_name=path.name)
        lines = text.splitlines()
        if not lines[0].lstrip("\ufeff").startswith("统一社会信用代码"):
            continue
        # Invisible characters around a code are the subject of invisible_in_credit_code.csv: the check drops them.
        codes = [INVISIBLE.sub("", line.split(",", 1)[0]) for line in lines[1:]]
        invalid = [code for code in codes if not passes_check(code)]
        checked += len(codes)
        assert len(invalid) == (1 if path.name.startswith("credit_code_") else 0), (path.name, invalid)
    assert checked > 50
    assert all(passes_check(entry["credit_code"]) for entry in REGISTRY)
