"""Hostile uploads that are read, with a warning saying what was done, or refused under a lowered limit: each
asserted with its message, and the registry unchanged until (and unless) a commit is asked for.

The files are made by tests/data/make_corpus.py (hostile()); the bench (`bench/import_bench.py --hostile`) measures
the memory and time of their full-size versions."""

import datetime
import io
import zipfile

import pytest
from django.utils import translation

from accounts.models import Role
from enterprises.importing.columns import ENTERPRISE_COLUMNS
from enterprises.importing.reading import ImportFileError, read_table, scan_sheet
from enterprises.models import AnnualIndicator, Enterprise, ImportJob
from tests.data import make_corpus
from tests.data.make_corpus import CORPUS_DIR, YEAR, firm_code


@pytest.fixture
def city_user(make_user):
    return make_user(Role.CITY_STAFF)


def _issues(job: ImportJob, code: str) -> list[dict]:
    return [issue for issue in job.issues_preview if issue["code"] == code]


@pytest.mark.parametrize("file_name", ["too_many_rows.xlsx", "too_many_rows.csv"])
def test_import_above_the_row_limit_is_refused(file_name, run_import, city_user, settings, registry_fingerprint):
    settings.IMPORT_MAX_ROWS = 5
    before = registry_fingerprint()

    job = run_import(file_name, user=city_user)

    assert job.status == ImportJob.Status.INVALID
    [issue] = job.issues_preview
    assert issue["code"] == "file"
    assert "more than 5 data rows" in issue["message"] and "Split it" in issue["message"]
    assert registry_fingerprint() == before


def test_import_within_the_row_limit_is_read(run_import, city_user, settings):
    settings.IMPORT_MAX_ROWS = 8  # too_many_rows.csv has exactly 8 data rows

    job = run_import("too_many_rows.csv", user=city_user)

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert job.row_count == 8


def test_import_above_the_uncompressed_limit_is_refused_unread(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    content = make_corpus.zip_bomb_bytes(2)  # 2 MB unpacked: within the ratio limit? no matter, the total comes first

    with translation.override("en"), pytest.raises(ImportFileError, match=r"unpacks to 2\.0 MB, more than the 1 MB"):
        read_table(content, file_name="big.xlsx", columns=ENTERPRISE_COLUMNS)


def test_sheet_scan_is_bounded_and_stops_at_the_row_cap():
    content = make_corpus.dense_sheet_bytes(5000)
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(make_corpus.SHEET_PART) as stream:
        scan = scan_sheet(stream, row_cap=100)
    # It stops at the end of the chunk (4 MB of XML) in which it passed the cap.
    assert scan.stopped and scan.rows > 100

    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(make_corpus.SHEET_PART) as stream:
        scan = scan_sheet(stream, row_cap=10_000)
    assert not scan.stopped
    assert (scan.rows, scan.last_row, scan.last_column, scan.last_cell) == (5001, 5001, 5, "E5001")


def test_import_hidden_sheet_is_skipped_and_said(run_import, run_commit, city_user, corpus_registry):
    job = run_import("hidden_sheet.xlsx", user=city_user)

    assert job.status == ImportJob.Status.READY
    [issue] = job.issues_preview
    assert (issue["severity"], issue["code"], issue["sheet"]) == ("warning", "sheet.hidden", "旧数据")
    assert "hidden and was not read" in issue["message"]
    assert job.row_count == 3

    run_commit(job, user=city_user)
    # The hidden sheet's firms (numbers 50 and 51) were never read.
    assert not Enterprise.objects.filter(credit_code__in=[firm_code("410402", 50), firm_code("410402", 51)]).exists()
    assert Enterprise.objects.filter(credit_code=firm_code("410402", 1)).exists()


def test_import_merged_figure_is_an_error_naming_its_range(
    run_import, city_user, corpus_registry, registry_fingerprint
):
    before = registry_fingerprint()

    job = run_import("merged_revenue.xlsx", user=city_user)

    assert job.status == ImportJob.Status.INVALID
    [merged] = [i for i in job.issues_preview if i["severity"] == "error"]
    assert (merged["code"], merged["row"], merged["column"], merged["value"]) == (
        "merged",
        2,
        "营业收入(万元)",
        "H2:H4",
    )
    assert "Cells H2:H4 are merged" in merged["message"]
    # The two rows the merge left empty are named too, with what an empty figure would become.
    [empty] = _issues(job, "figure.empty")
    assert (empty["row"], empty["column"]) == (3, "营业收入(万元)")
    assert "Empty on 2 rows (rows 3–4): stored as 0" in empty["message"]
    assert registry_fingerprint() == before


def test_import_empty_figure_is_reported_with_its_cells_and_how_it_is_stored(
    run_import, run_commit, city_user, corpus_registry
):
    job = run_import("empty_figure.csv", user=city_user)

    assert job.status == ImportJob.Status.READY
    [issue] = job.issues_preview
    assert (issue["severity"], issue["code"], issue["row"], issue["column"]) == (
        "warning",
        "figure.empty",
        3,
        "营业收入(万元)",
    )
    assert "Empty on 2 rows (rows 3–4): stored as 0, replacing any figure the registry has" in issue["message"]

    run_commit(job, user=city_user)
    stored = AnnualIndicator.objects.get(enterprise__credit_code=firm_code("410402", 2), year=YEAR)
    assert stored.revenue == 0  # as the warning said


def test_import_invisible_characters_are_removed_from_credit_codes_and_said(
    run_import, run_commit, city_user, corpus_registry
):
    job = run_import("invisible_in_credit_code.csv", user=city_user)

    assert job.status == ImportJob.Status.READY, job.issues_preview
    issues = _issues(job, "invisible.removed")
    assert [(i["row"], i["column"], i["severity"]) for i in issues] == [
        (2, "统一社会信用代码", "warning"),
        (4, "统一社会信用代码", "warning"),
    ]
    assert "zero-width space (U+200B), which was removed" in issues[0]["message"]
    assert issues[0]["value"].startswith("\\u200b")  # shown escaped: an invisible character cannot be shown
    assert "byte-order mark (U+FEFF)" in issues[1]["message"]

    run_commit(job, user=city_user)
    assert Enterprise.objects.filter(credit_code__in=[firm_code("410402", n) for n in (1, 2, 3)]).count() == 3


def test_import_thousands_separators_grouped_by_three_are_accepted(run_import, run_commit, city_user):
    rows = make_corpus.enterprise_rows()
    revenue = make_corpus.column(make_corpus.ENTERPRISE_HEADER, "营业收入(万元)")
    rows[0][revenue], rows[1][revenue], rows[2][revenue] = "1,234.5", "12 345", "１，２３４，５６７"
    content = make_corpus.csv_text(make_corpus.ENTERPRISE_HEADER, rows).encode()

    job = run_commit(run_import(content, user=city_user), user=city_user)

    assert job.status == ImportJob.Status.COMMITTED
    stored = dict(AnnualIndicator.objects.values_list("enterprise__credit_code", "revenue"))
    assert [stored[firm_code("410402", n)] for n in (1, 2, 3)] == [12_345_000, 123_450_000, 12_345_670_000]


def test_import_phone_with_a_country_prefix_is_not_a_formula(run_import, city_user):
    header = [*make_corpus.ENTERPRISE_HEADER, "联系电话", "地址"]
    rows = [[*row, "+86 375 1234567", "建设路1号"] for row in make_corpus.enterprise_rows()]
    rows[2][-1] = "-建设路"  # row 4: an address starting with "-"

    job = run_import(make_corpus.csv_text(header, rows).encode(), user=city_user)

    assert [(i["code"], i["row"], i["column"]) for i in job.issues_preview] == [("text.formula_like", 4, "地址")]


def test_import_upload_of_a_zip_bomb_is_quick_and_small(run_import, city_user):
    """The 48 MB bomb of the corpus is refused from its directory: no part is unpacked."""
    import time

    started = time.monotonic()
    job = run_import("zip_bomb.xlsx", user=city_user)

    assert job.status == ImportJob.Status.INVALID
    assert time.monotonic() - started < 2
    assert (CORPUS_DIR / "zip_bomb.xlsx").stat().st_size < 100_000


def test_import_merged_cells_of_an_ignored_column_are_not_reported(run_import, city_user, corpus_registry):
    header = [*make_corpus.ENTERPRISE_HEADER, "备注"]
    lines = [header, *([*make_corpus.numeric(r), ""] for r in make_corpus.enterprise_rows())]
    lines[1][-1] = "同一集团"
    content = make_corpus.xlsx_book([{"name": "企业年度数据", "rows": lines, "merge": [("K2:K4", "同一集团")]}])

    job = run_import(content, user=city_user, file_name="remarks.xlsx")

    assert job.status == ImportJob.Status.READY, job.issues_preview
    assert not _issues(job, "merged")


def test_sheet_scan_bounds_cells_written_without_their_reference():
    """A writer may leave out each cell's "r": one row of 300 such cells makes a grid 300 columns wide all the same."""
    row = b"<row>" + b"<c><v>1</v></c>" * 300 + b"</row>"
    xml = b"<worksheet><sheetData>" + row * 3 + b"</sheetData></worksheet>"

    scan = scan_sheet(io.BytesIO(xml), row_cap=100)

    assert (scan.rows, scan.last_row, scan.last_column) == (3, 3, 300)


def _read_or_refusal(content: bytes, file_name: str):
    try:
        raw = read_table(content, file_name=file_name, columns=ENTERPRISE_COLUMNS)
    except ImportFileError as refused:
        return ("refused", refused.message, refused.sheet, refused.row)
    return (
        raw.cells.to_dict("list"),
        raw.row_numbers,
        raw.headers,
        raw.columns,
        raw.extra_headers,
        raw.hidden_sheets,
        raw.merged,
        [(f.row, f.column, f.formula) for f in raw.formulas],
    )


@pytest.mark.parametrize("file_name", sorted(p.name for p in CORPUS_DIR.glob("*.xlsx")))
def test_sheet_read_in_slices_gives_the_cells_of_the_whole_read(file_name, monkeypatch):
    """A large sheet goes to calamine in slices of its XML (bounded memory): forced here on every corpus workbook,
    with slices of a few rows each, it reads the same cells, rows and refusals as the whole sheet at once."""
    from enterprises.importing import reading

    content = (CORPUS_DIR / file_name).read_bytes()
    whole = _read_or_refusal(content, file_name)
    monkeypatch.setattr(reading, "SLICE_CELLS", 0)
    monkeypatch.setattr(reading, "SLICE_BYTES", 300)

    assert _read_or_refusal(content, file_name) == whole


def test_sheet_read_in_slices_keeps_the_rows_between_slices():
    """Rows left empty where one slice ends and the next begins keep every later row on its own sheet row."""
    from enterprises.importing import reading

    rows = [["统一社会信用代码", "企业名称", "县区", "成立日期", "年度", "营业收入(万元)"]]
    for index in range(40):
        founded = datetime.date(2010, 1, 1) + datetime.timedelta(days=index)
        code, name = firm_code("410402", index + 1), f"切片{index:03d}科技有限公司"
        rows.append([code, name, "新华区", founded, YEAR, 100.5 + index])
        if index % 7 == 3:
            rows.extend([[], []])  # two blank rows
    content = make_corpus.xlsx_bytes(rows)
    reading_slices = [0]

    original = reading._xml_slices

    def counted(stream):
        for part in original(stream):
            reading_slices[0] += 1
            yield part

    whole = _read_or_refusal(content, "blank_rows.xlsx")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "SLICE_CELLS", 0)
        patch.setattr(reading, "SLICE_BYTES", 500)
        patch.setattr(reading, "_xml_slices", counted)
        sliced = _read_or_refusal(content, "blank_rows.xlsx")

    assert reading_slices[0] > 5
    assert sliced == whole
    assert sliced[1][-1] == 1 + 40 + 2 * 6  # the last firm's sheet row: header, 40 rows, six pairs of blank rows


@pytest.mark.django_db
@pytest.mark.parametrize("build", [make_corpus.distinct_xlsx_bytes, make_corpus.distinct_csv_bytes])
def test_worst_case_files_of_the_bench_fill_their_size_and_read_as_all_different_valid_rows(build):
    """The bench's worst cases (every cell its own, filled up to the upload limit): here at 300 KB, each within the
    size, nearly filling it, every row read, every firm distinct, and none an error."""
    from enterprises.importing.validation import ImportContext, validate

    max_bytes = 300 * 1024
    content, rows = build(max_bytes, 300_000)
    file_name = "worst.xlsx" if build is make_corpus.distinct_xlsx_bytes else "worst.csv"

    raw = read_table(content, file_name=file_name, columns=ENTERPRISE_COLUMNS)
    checked = validate(raw, kind="enterprises", context=ImportContext(None, None))

    assert 0.95 * max_bytes < len(content) <= max_bytes
    assert len(raw.row_numbers) == rows > 1000
    assert checked.error_count == 0
    assert build(max_bytes, 50)[1] == 50  # the row limit stops it first when smaller
