import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from core.exceptions import AlreadyMoved
from enterprises.importing.validation import validate_year_values
from enterprises.models import SourceKind, SourceValue
from notifications.models import Notification
from notifications.reminders import is_reminder
from reports.models import ReportEvent, ReportStatus, ReportValue, YearlyReport
from reports.reminders import window_closing, window_opening
from reports.services import ReportInput, report_save
from reports.workflows import report_transition
from tests.reports.conftest import EXE, PDF, YEAR, portal_texts

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client, texts, *, action="save", confirmed=True, **extra):
    data = {**texts, "action": action, **extra}
    if confirmed:
        data["confirmed"] = "on"
    return client.post(reverse("reports:mine"), data, **EN)


def _submitted(world, reasons=None, **changes):
    texts = portal_texts(world["firm"]) | changes
    return report_save(
        window=world["window"],
        data=ReportInput(entered=texts, reasons=reasons or {}, confirmed=True),
        submit=True,
        actor=world["firm_user"],
    )


def test_form_prefills_the_portal_values_with_units_and_department_source(client, report_world):
    client.force_login(report_world["firm_user"])
    html = client.get(reverse("reports:mine"), **EN).content.decode()
    # Money in 万元 as the import template has it: 30,000,000 yuan is 3000 万元.
    assert 'name="revenue" id="value-revenue" value="3000"' in html
    assert 'name="employees" id="value-employees" value="120"' in html
    assert 'name="founded_on" id="value-founded_on" value="2015-05-01"' in html
    assert "万元" in html
    assert f"From the statistics department, as of {YEAR + 1}-03-01" in html
    # Only the firm's own figure carries the department's mark.
    department_marks = html.count("report-source-department")
    assert department_marks == 1


def test_saving_unchanged_values_confirms_them_as_a_draft(client, report_world):
    client.force_login(report_world["firm_user"])
    response = _post(client, portal_texts(report_world["firm"]))
    assert response.status_code == 302
    report = YearlyReport.objects.get(enterprise=report_world["firm"])
    assert report.status == ReportStatus.DRAFT
    revenue = report.values.get(field="revenue")
    assert revenue.value == Decimal("30000000") and not revenue.corrected
    assert ReportEvent.objects.filter(report=report, to_state=ReportStatus.DRAFT).count() == 1


def test_correction_needs_a_reason_on_submit(client, report_world):
    client.force_login(report_world["firm_user"])
    texts = portal_texts(report_world["firm"]) | {"revenue": "3500"}
    response = _post(client, texts, action="submit")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="revenue__reason"' in html
    assert not YearlyReport.objects.exists()  # nothing saved
    response = _post(client, texts, action="submit", revenue__reason="Audited accounts came in after the list.")
    assert response.status_code == 302
    report = YearlyReport.objects.get()
    assert report.status == ReportStatus.SUBMITTED
    revenue = report.values.get(field="revenue")
    assert revenue.corrected and revenue.value == Decimal("35000000.00") and revenue.portal_value == Decimal("30000000")


def test_correcting_a_department_value_requires_an_attachment(client, report_world):
    client.force_login(report_world["firm_user"])
    texts = portal_texts(report_world["firm"]) | {"employees": "130", "employees__reason": "Ten joined in December."}
    response = _post(client, texts, action="submit")
    assert response.status_code == 400
    assert 'data-error-for="employees__attachment"' in response.content.decode()
    bad = SimpleUploadedFile("proof.pdf", EXE)
    response = _post(client, texts, action="submit", employees__attachment=bad)
    assert response.status_code == 400
    assert "Windows program" in response.content.decode()  # judged by content, not by the name
    proof = SimpleUploadedFile("社保名单.pdf", PDF)
    response = _post(client, texts, action="submit", employees__attachment=proof)
    assert response.status_code == 302
    row = ReportValue.objects.get(field="employees")
    assert row.corrected and row.attachment and row.attachment_name == "社保名单.pdf"
    assert row.portal_source == SourceKind.DEPARTMENT


def test_attachment_larger_than_the_limit_is_refused(client, report_world, settings):
    settings.REPORT_ATTACHMENT_MAX_MB = 1
    client.force_login(report_world["firm_user"])
    texts = portal_texts(report_world["firm"]) | {"revenue": "3500", "revenue__reason": "audited"}
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = _post(client, texts, revenue__attachment=big)
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()


def test_validation_errors_are_the_imports_named_by_field(client, report_world):
    client.force_login(report_world["firm_user"])
    texts = portal_texts(report_world["firm"]) | {
        "st_personnel": "500",  # more than the 120 employees
        "revenue": "12,34",  # a decimal comma
        "total_assets": "40000元",  # yuan in a 万元 column
        "founded_on": "2999-01-01",
    }
    response = _post(client, texts)
    assert response.status_code == 400
    html = response.content.decode()
    # The same checks, the same messages as the import's (enterprises.importing.validation).
    with translation.override("en"):
        expected = validate_year_values({k: v for k, v in texts.items() if v}, year=YEAR).errors
    assert set(expected) == {"st_personnel", "revenue", "total_assets", "founded_on"}
    for field, messages in expected.items():
        for message in messages:
            assert f'data-error-for="{field}">{escape(message)}' in html
    assert "S&amp;T personnel (500) exceed the employees (120)." in html
    assert "This column is in 万元" in html
    assert not YearlyReport.objects.exists()


def test_validate_year_values_types_values_like_the_import():
    texts = {"revenue": "1,234.5", "employees": "25人", "founded_on": "2015年3月18日"}
    checked = validate_year_values(texts, year=YEAR)
    assert checked.is_valid
    assert checked.values == {
        "founded_on": datetime.date(2015, 3, 18),
        "employees": 25,
        "revenue": Decimal("12345000.00"),
    }


def test_submitting_requires_every_value_and_the_confirmation(client, report_world):
    client.force_login(report_world["firm_user"])
    texts = portal_texts(report_world["firm"]) | {"designs": ""}
    response = _post(client, texts, action="submit", confirmed=False)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="designs"' in html
    assert "Confirm that the values you did not correct are right." in html


def test_county_confirms_and_the_values_enter_as_self_report(client, report_world):
    world = report_world
    report = _submitted(world, reasons={"revenue": "Audited accounts."}, revenue="3500")
    assert report.status == ReportStatus.SUBMITTED
    client.force_login(world["county"])
    page = client.get(reverse("reports:review", args=[report.pk]), **EN)
    assert page.status_code == 200 and 'id="report-confirm"' in page.content.decode()
    response = client.post(reverse("reports:confirm", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED and report.confirmed_by == world["county"]
    recorded = SourceValue.objects.filter(enterprise=world["firm"], source_kind=SourceKind.SELF_REPORT)
    assert recorded.count() == 17  # 16 figures and the founding date
    revenue = recorded.get(field="revenue")
    assert revenue.value == Decimal("35000000.00") and revenue.year == YEAR
    assert revenue.as_of == timezone.localdate() and revenue.actor == world["county"]
    assert f"编号 {report.pk}" in revenue.document
    assert recorded.get(field="founded_on").value_date == datetime.date(2015, 5, 1)


def test_county_returns_with_a_comment_and_the_firm_is_told(client, report_world, django_capture_on_commit_callbacks):
    world = report_world
    report = _submitted(world)
    client.force_login(world["county"])
    client.post(reverse("reports:return", args=[report.pk]), {"comment": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a return says why
    with django_capture_on_commit_callbacks():
        client.post(reverse("reports:return", args=[report.pk]), {"comment": "R&D figure looks too low."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    notice = Notification.objects.get(recipient_enterprise=world["firm"])
    assert notice.kind == "report_returned" and notice.params["comment"] == "R&D figure looks too low."
    assert is_reminder(notice.kind)  # registered in ReportsConfig.ready: it also goes out by e-mail and SMS
    # The firm corrects and submits again, even after the window has closed.
    world["window"].closes_on = timezone.localdate() - datetime.timedelta(days=1)
    world["window"].opens_on = timezone.localdate() - datetime.timedelta(days=30)
    world["window"].save()
    client.force_login(world["firm_user"])
    html = client.get(reverse("reports:mine"), **EN).content.decode()
    assert "R&amp;D figure looks too low." in html and 'id="report-form"' in html
    response = _post(client, portal_texts(world["firm"]), action="submit")
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert list(report.events.values_list("to_state", flat=True)) == ["draft", "submitted", "returned", "submitted"]


def test_a_lost_race_answers_already_moved(report_world):
    world = report_world
    report = _submitted(world)
    stale = YearlyReport.objects.get(pk=report.pk)
    report_transition(report=report, to=ReportStatus.CONFIRMED, actor=world["county"])
    with pytest.raises(AlreadyMoved):
        report_transition(report=stale, to=ReportStatus.RETURNED, actor=world["county"], comment="too late")


def test_firm_sees_only_its_own_report(client, report_world):
    world = report_world
    theirs = _submitted(world | {"firm": world["neighbour"], "firm_user": world["neighbour_user"]})
    mine = _submitted(world)
    client.force_login(world["firm_user"])
    assert client.get(reverse("reports:review", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reports:confirm", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:review", args=[mine.pk])).url == reverse("reports:mine")
    assert client.get(reverse("reports:review-list")).status_code == 403
    # A firm cannot confirm its own report.
    client.post(reverse("reports:confirm", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == ReportStatus.SUBMITTED


def test_firm_cannot_download_another_firms_attachment(client, report_world):
    world = report_world
    texts = portal_texts(world["neighbour"]) | {"revenue": "3500"}
    report_save(
        window=world["window"],
        data=ReportInput(
            entered=texts,
            reasons={"revenue": "audited"},
            attachments={"revenue": SimpleUploadedFile("a.pdf", PDF)},
            confirmed=True,
        ),
        submit=True,
        actor=world["neighbour_user"],
    )
    value = ReportValue.objects.get(field="revenue")
    client.force_login(world["firm_user"])
    assert client.get(reverse("reports:attachment", args=[value.pk])).status_code == 404
    client.force_login(world["county"])
    response = client.get(reverse("reports:attachment", args=[value.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_county_staff_see_only_their_county(client, report_world, django_assert_max_num_queries):
    world = report_world
    home = _submitted(world)
    away = _submitted(world | {"firm": world["away"], "firm_user": world["away_user"]})
    client.force_login(world["county"])
    with django_assert_max_num_queries(9):
        html = client.get(reverse("reports:review-list"), {"status": "submitted"}, **EN).content.decode()
    assert f'data-report="{home.pk}"' in html and f'data-report="{away.pk}"' not in html
    assert client.get(reverse("reports:review", args=[away.pk])).status_code == 404
    assert client.post(reverse("reports:confirm", args=[away.pk])).status_code == 404
    away.refresh_from_db()
    assert away.status == ReportStatus.SUBMITTED
    # City staff read every county's reports but do not confirm them.
    client.force_login(world["city"])
    assert client.get(reverse("reports:review", args=[away.pk])).status_code == 200
    assert client.post(reverse("reports:confirm", args=[away.pk])).status_code == 403


def test_review_list_query_count_does_not_grow_with_reports(client, report_world, django_assert_max_num_queries):
    world = report_world
    _submitted(world)
    _submitted(world | {"firm": world["neighbour"], "firm_user": world["neighbour_user"]})
    client.force_login(world["county"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("reports:review-list"))
    assert response.status_code == 200


def test_outside_the_window_the_form_is_closed(client, report_world):
    world = report_world
    window = world["window"]
    window.opens_on = timezone.localdate() + datetime.timedelta(days=3)
    window.closes_on = timezone.localdate() + datetime.timedelta(days=30)
    window.save()
    client.force_login(world["firm_user"])
    html = client.get(reverse("reports:mine"), **EN).content.decode()
    assert 'id="report-form"' not in html and 'id="report-closed"' in html
    response = _post(client, portal_texts(world["firm"]), action="submit")
    assert response.status_code == 302
    assert not YearlyReport.objects.exists()
    with pytest.raises(ValidationError):
        report_save(window=window, data=ReportInput(entered=portal_texts(world["firm"])), actor=world["firm_user"])


def test_city_staff_open_a_window(client, report_world):
    client.force_login(report_world["city"])
    url = reverse("reports:windows")
    assert client.get(url).status_code == 200
    client.post(url, {"year": YEAR - 1, "opens_on": "2025-01-10", "closes_on": "2025-01-01"})
    assert not report_world["window"].__class__.objects.filter(year=YEAR - 1).exists()
    client.post(url, {"year": YEAR - 1, "opens_on": "2025-01-10", "closes_on": "2025-02-01"})
    assert report_world["window"].__class__.objects.filter(year=YEAR - 1).exists()
    client.force_login(report_world["county"])
    assert client.get(url).status_code == 403


def test_window_reminders_go_to_firms_that_have_not_submitted(report_world):
    world = report_world
    _submitted(world)
    today = timezone.localdate()
    opening = {o.enterprise_id for o in window_opening(today)}
    assert opening == {world["neighbour"].pk, world["away"].pk}
    assert window_closing(today) == []  # 20 days before it closes
    closing = {o.enterprise_id for o in window_closing(world["window"].closes_on - datetime.timedelta(days=2))}
    assert closing == {world["neighbour"].pk, world["away"].pk}
