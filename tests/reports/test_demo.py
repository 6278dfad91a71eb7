import datetime

from django.core.management import call_command

from reports.models import ReportStatus, ReportWindow, YearlyReport

AS_OF = datetime.date(2026, 11, 26)


def test_the_demo_opens_last_years_window_with_one_submitted_report(db):
    call_command("seed_demo", firms=60, seed=3, as_of=AS_OF, stdout=None)
    window = ReportWindow.objects.get()
    assert window.year == AS_OF.year - 1
    report = YearlyReport.objects.get()
    assert report.enterprise.users.filter(username="firm_hightech").exists()
    assert report.status == ReportStatus.SUBMITTED
    assert report.values.filter(corrected=True, field="revenue").exclude(reason="").exists()
    # The reset removes them with the rest of the demo city.
    call_command("seed_demo", firms=60, seed=3, as_of=AS_OF, reset=True, stdout=None)
    assert YearlyReport.objects.count() == 1 and ReportWindow.objects.count() == 1
