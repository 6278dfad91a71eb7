"""The import pages: upload, detail with counts and issues, progress, commit and cancel, template and error report
downloads, and who may see which of them."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from enterprises.importing.columns import ENTERPRISE_COLUMNS, QUALIFICATION_COLUMNS
from enterprises.importing.views import XLSX
from enterprises.importing.workbooks import EXPLANATION_SHEET
from enterprises.models import Enterprise, ImportJob
from tests import factories
from tests.data.make_corpus import CORPUS_DIR

Status = ImportJob.Status
ERROR_FILL = "FFFFC7CE"
JOB_PAGES = ["import-detail", "import-progress", "import-report"]
JOB_ACTIONS = ["import-commit", "import-cancel"]


def _upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (CORPUS_DIR / name).read_bytes() if content is None else content)


@pytest.fixture
def post_upload(client, django_capture_on_commit_callbacks):
    """Upload through the page as the logged-in user; the check runs when the request's transaction commits."""

    def post(name: str, *, kind: str = "enterprises", content: bytes | None = None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("enterprises:import"), {"kind": kind, "file": _upload(name, content), **extra})

    return post


@pytest.fixture
def weidong_job(run_import, make_user):
    """An import of 卫东区 with errors, so that every page of it (the error report too) exists."""
    return run_import("negative_amount.csv", user=make_user(Role.COUNTY_STAFF, county_code="410403"))


def _workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return openpyxl.load_workbook(io.BytesIO(response.content))


# --- Upload and detail ---------------------------------------------------------------------------------------------


def test_upload_redirects_to_detail_showing_counts(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))

    response = post_upload("good_enterprises.csv")

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:import-detail", args=[job.pk])
    assert job.status == Status.READY
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-count="new_firms">3<' in html
    assert 'data-count="new_rows">3<' in html
    assert 'data-count="updated_rows">0<' in html
    assert re.search(r'data-count="errors"[^>]*>0<', html)
    assert 'id="commit-button"' in html
    assert 'hx-get="' not in html  # finished: nothing to poll


def test_upload_of_bad_file_shows_the_issue_and_no_commit_button(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))

    response = post_upload("negative_amount.csv")

    job = ImportJob.objects.get()
    assert job.status == Status.INVALID
    html = client.get(response["Location"]).content.decode()
    assert 'id="invalid-box"' in html
    assert 'id="commit-button"' not in html
    assert re.search(r'data-count="errors"[^>]*>1<', html)
    assert "研发费用(万元)" in html
    assert "<code>-12.5</code>" in html
    assert reverse("enterprises:import-report", args=[job.pk]) in html


def test_upload_passes_the_check_character_option(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))

    post_upload("credit_code_checksum.csv", accept_bad_check_characters="on")

    job = ImportJob.objects.get()
    assert job.accept_bad_check_characters
    assert job.status == Status.READY


def test_upload_without_a_file_shows_the_form_again(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))

    response = client.post(reverse("enterprises:import"), {"kind": "enterprises"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_upload_of_a_zero_byte_file_is_refused_by_the_form(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))

    response = post_upload("zero_bytes.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("web.xlsx", b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body>x</body></html>", "网页（HTML）"),
        ("web.csv", b"\xef\xbb\xbf  <html><body><table><tr><td>1</td></tr></table></body></html>", "网页（HTML）"),
        ("setup.xlsx", b"MZ\x90\x00\x03" + bytes(200), "Windows 程序（可执行文件）"),
        ("picture.xlsx", None, "PNG 图片"),
        ("report.xlsx", None, "PDF 文档"),
        ("old.xlsx", None, "Excel 97-2003"),
        ("archive.xlsx", None, "zip 压缩包"),
    ],
)
def test_upload_that_is_not_a_spreadsheet_is_refused_and_not_stored(
    client, make_user, post_upload, name, content, words
):
    """Judged by content when uploaded: nothing is stored, and the message (in the interface's Chinese) says what the
    file is."""
    corpus = {"picture.xlsx": "not_a_spreadsheet.xlsx", "report.xlsx": "document.pdf", "old.xlsx": "old_excel.xls",
              "archive.xlsx": "zip_not_xlsx.xlsx"}  # fmt: skip
    if content is None:
        content = (CORPUS_DIR / corpus[name]).read_bytes()
    client.force_login(make_user(Role.CITY_STAFF))

    response = client.post(
        reverse("enterprises:import"),
        {"kind": "enterprises", "file": _upload(name, content)},
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert words in message and name in message
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "words"),
    [("good_enterprises.csv", "csv 文件最大为 0 MB"), ("good_enterprises.xlsx", "另存为 csv（最大 1 MB）")],
)
def test_upload_above_the_size_limit_is_refused(client, make_user, post_upload, settings, name, words):
    settings.IMPORT_MAX_FILE_MB = 0
    settings.IMPORT_MAX_CSV_MB = 0 if name.endswith(".csv") else 1
    client.force_login(make_user(Role.CITY_STAFF))

    response = post_upload(name)

    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert words in message
    assert not ImportJob.objects.exists()


def test_the_upload_form_states_both_limits(client, make_user, settings):
    settings.IMPORT_MAX_FILE_MB, settings.IMPORT_MAX_CSV_MB = 16, 40
    client.force_login(make_user(Role.CITY_STAFF))

    page = client.get(reverse("enterprises:import")).content.decode()

    assert "xlsx 工作簿最大 16 MB，csv 文件最大 40 MB" in page


def test_csv_above_the_workbook_limit_is_taken_within_its_own(client, make_user, post_upload, settings):
    settings.IMPORT_MAX_FILE_MB = 0  # a workbook of any size would be refused; a csv has its own limit
    settings.IMPORT_MAX_CSV_MB = 1
    client.force_login(make_user(Role.CITY_STAFF))

    response = post_upload("good_enterprises.csv")

    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportJob.Status.READY


# --- Commit and cancel ---------------------------------------------------------------------------------------------


def test_commit_view_commits_and_shows_the_outcome(client, make_user, post_upload, django_capture_on_commit_callbacks):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("good_enterprises.csv")
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import-commit", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:import-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Status.COMMITTED
    assert Enterprise.objects.count() == 3
    assert 'id="committed-box"' in client.get(response["Location"]).content.decode()


def test_commit_view_of_an_invalid_import_says_why(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("negative_amount.csv")
    job = ImportJob.objects.get()

    response = client.post(reverse("enterprises:import-commit", args=[job.pk]), follow=True)

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert not Enterprise.objects.exists()


def test_commit_view_refuses_get(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("good_enterprises.csv")
    job = ImportJob.objects.get()

    assert client.get(reverse("enterprises:import-commit", args=[job.pk])).status_code == 405
    job.refresh_from_db()
    assert job.status == Status.READY


def test_cancel_view_cancels(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("good_enterprises.csv")
    job = ImportJob.objects.get()

    response = client.post(reverse("enterprises:import-cancel", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not Enterprise.objects.exists()


# --- Progress ------------------------------------------------------------------------------------------------------


def test_progress_polls_while_checking_and_refreshes_when_finished(
    client, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user(Role.CITY_STAFF))
    with django_capture_on_commit_callbacks() as callbacks:  # the check has not run yet
        client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": _upload("good_enterprises.csv")})
    job = ImportJob.objects.get()
    url = reverse("enterprises:import-progress", args=[job.pk])

    running = client.get(url)

    assert running.status_code == 200
    assert "HX-Refresh" not in running
    assert f'hx-get="{url}"' in running.content.decode()
    assert 'aria-valuenow="0"' in running.content.decode()

    for callback in callbacks:
        callback()
    finished = client.get(url)

    assert finished.status_code == 200
    assert finished["HX-Refresh"] == "true"
    assert "hx-get" not in finished.content.decode()


# --- Downloads -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "columns"), [("enterprises", ENTERPRISE_COLUMNS), ("qualifications", QUALIFICATION_COLUMNS)]
)
def test_template_download_has_headers_and_explanations(client, make_user, kind, columns):
    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))

    workbook = _workbook(client.get(reverse("enterprises:import-template", args=[kind])))

    data, notes = workbook.worksheets[:2]
    assert [cell.value for cell in data[1]] == [column.header for column in columns]
    assert data.max_row == 1  # no sample rows to import by mistake
    assert notes.title == EXPLANATION_SHEET
    explained = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True) if row[0]}
    assert list(explained)[: len(columns)] == [column.header for column in columns]
    for column in columns:
        row = explained[column.header]
        assert (row[2] or "") == column.unit
        assert (row[5] or "") == "、".join(column.aliases)
    if kind == "enterprises":
        assert "新华区 (410402)" in explained["县区"][4]
        assert explained["营业收入"][2] == "万元"
    else:
        assert "高新技术企业" in explained["资质类型"][4]


@pytest.mark.parametrize(
    ("kind", "columns"), [("enterprises", ENTERPRISE_COLUMNS), ("qualifications", QUALIFICATION_COLUMNS)]
)
def test_template_explains_every_column(client, make_user, kind, columns):
    """Each column of the explanation sheet says what goes in it: an explanation, or the values allowed."""
    client.force_login(make_user(Role.CITY_STAFF))

    notes = _workbook(client.get(reverse("enterprises:import-template", args=[kind]))).worksheets[1]

    explained = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True) if row[0]}
    assert [column.header for column in columns if not any(explained[column.header][3:5])] == []


def test_template_of_unknown_kind_is_404(client, make_user):
    client.force_login(make_user(Role.CITY_STAFF))

    assert client.get(reverse("enterprises:import-template", args=["people"])).status_code == 404


def test_error_report_marks_the_bad_cell(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("negative_amount.csv")
    job = ImportJob.objects.get()
    [issue] = job.issues_preview

    workbook = _workbook(client.get(reverse("enterprises:import-report", args=[job.pk])))

    marked, listing = workbook.worksheets
    headers = [cell.value for cell in marked[1]]
    assert headers[1:] == (CORPUS_DIR / "negative_amount.csv").read_text().splitlines()[0].split(",")
    [row] = [row for row in marked.iter_rows(min_row=2) if row[0].value == 3]  # only the row with the problem
    assert marked.max_row == 2
    bad = row[headers.index("研发费用(万元)")]
    assert bad.fill.fgColor.rgb == ERROR_FILL
    assert bad.comment is not None and bad.comment.text == issue["message"]
    assert bad.value.lstrip("'") == "-12.5"
    assert row[headers.index("企业名称")].fill.fgColor.rgb != ERROR_FILL  # the good cells are not marked
    assert row[headers.index("企业名称")].value == "平顶山语料002科技有限公司"
    listed = list(listing.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[5]) for r in listed] == [(3, "研发费用(万元)", issue["message"])]


def test_error_report_keeps_an_empty_bad_cell_empty(client, make_user, post_upload):
    """The year left empty on row 3 is marked; the report must not write pandas' "<NA>" into the cell."""
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("year_required.csv")
    job = ImportJob.objects.get()

    marked = _workbook(client.get(reverse("enterprises:import-report", args=[job.pk]))).worksheets[0]

    headers = [cell.value for cell in marked[1]]
    [row] = [row for row in marked.iter_rows(min_row=2) if row[0].value == 3]
    bad = row[headers.index("年度")]
    assert bad.fill.fgColor.rgb == ERROR_FILL
    assert bad.value in (None, "")


def test_error_report_of_an_unreadable_file_lists_the_problem(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("empty_sheet.xlsx")
    job = ImportJob.objects.get()

    workbook = _workbook(client.get(reverse("enterprises:import-report", args=[job.pk])))

    [listing] = workbook.worksheets
    [row] = list(listing.iter_rows(min_row=2, values_only=True))
    assert row[5] == job.issues_preview[0]["message"]


def test_error_report_of_a_sparse_sheet_is_quick_and_lists_the_stray_cell(client, make_user, post_upload):
    """The file was refused as a whole: its report lists the problem without reading the file again."""
    import time

    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("sparse_stray_cell.xlsx")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID

    started = time.monotonic()
    workbook = _workbook(client.get(reverse("enterprises:import-report", args=[job.pk])))

    assert time.monotonic() - started < 2
    [listing] = workbook.worksheets
    [row] = list(listing.iter_rows(min_row=2, values_only=True))
    assert "AA1048576" in row[5]


def test_error_report_of_a_clean_import_is_404(client, make_user, post_upload):
    client.force_login(make_user(Role.CITY_STAFF))
    post_upload("good_enterprises.xlsx")  # every figure filled in: not even a warning
    job = ImportJob.objects.get()

    assert job.status == ImportJob.Status.READY and job.warning_count == 0
    assert client.get(reverse("enterprises:import-report", args=[job.pk])).status_code == 404


# --- Who may see what ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.ENTERPRISE])
def test_import_pages_are_forbidden_to_non_importers(client, make_user, role, weidong_job, post_upload):
    enterprise = factories.EnterpriseFactory() if role == Role.ENTERPRISE else None
    client.force_login(make_user(role, enterprise=enterprise))
    jobs_before = ImportJob.objects.count()

    assert client.get(reverse("enterprises:import")).status_code == 403
    assert post_upload("good_enterprises.csv").status_code == 403
    assert client.get(reverse("enterprises:import-template", args=["enterprises"])).status_code == 403
    # Someone's import exists; to these users it does not.
    for name in JOB_PAGES:
        assert client.get(reverse(f"enterprises:{name}", args=[weidong_job.pk])).status_code == 404
    for name in JOB_ACTIONS:
        assert client.post(reverse(f"enterprises:{name}", args=[weidong_job.pk])).status_code == 404
    assert ImportJob.objects.count() == jobs_before
    weidong_job.refresh_from_db()
    assert weidong_job.status == Status.INVALID


def test_import_pages_need_login(client, weidong_job):
    for url in [reverse("enterprises:import"), reverse("enterprises:import-detail", args=[weidong_job.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_county_user_gets_404_on_another_countys_import(client, make_user, weidong_job):
    client.force_login(weidong_job.created_by)
    for name in JOB_PAGES:
        assert client.get(reverse(f"enterprises:{name}", args=[weidong_job.pk])).status_code == 200

    client.force_login(make_user(Role.COUNTY_STAFF, county_code="410402"))

    for name in JOB_PAGES:
        assert client.get(reverse(f"enterprises:{name}", args=[weidong_job.pk])).status_code == 404
    for name in JOB_ACTIONS:
        assert client.post(reverse(f"enterprises:{name}", args=[weidong_job.pk])).status_code == 404
    weidong_job.refresh_from_db()
    assert weidong_job.status == Status.INVALID


def test_import_log_lists_only_the_users_county(client, make_user, weidong_job, run_import):
    xinhua = make_user(Role.COUNTY_STAFF, county_code="410402")
    own = run_import("date_invalid.csv", user=xinhua)

    client.force_login(xinhua)
    listed = list(client.get(reverse("enterprises:import")).context["page"].object_list)
    assert listed == [own]

    client.force_login(make_user(Role.CITY_STAFF))
    listed = list(client.get(reverse("enterprises:import")).context["page"].object_list)
    assert set(listed) == {own, weidong_job}
