from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from enterprises.selectors import enterprise_get, indicator_table
from scoring import presentation
from scoring.permissions import may_see_runs
from scoring.selectors import current_run, portrait_for, run_get, run_list

RUNS_PER_PAGE = 30


@login_required
def run_list_view(request):
    """Scoring runs with status, counts, rule set, duration, errors and progress (polled while one runs)."""
    if not may_see_runs(request.user):
        raise PermissionDenied
    page = Paginator(run_list(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    template = "scoring/_runs_table.html" if request.headers.get("HX-Request") else "scoring/runs.html"
    return render(request, template, {"page": page, "current": current_run()})


@login_required
def run_detail_view(request, pk):
    if not may_see_runs(request.user):
        raise PermissionDenied
    run = run_get(pk=pk)
    return render(request, "scoring/run_detail.html", {"run": run, "chunks": run.chunks.order_by("number")})


@login_required
def prereview_report_view(request, credit_code):
    """高企申报预审核: the printable high-tech pre-review of one firm, from its current portrait."""
    enterprise = enterprise_get(user=request.user, credit_code=credit_code)
    portrait = portrait_for(user=request.user, enterprise=enterprise)
    context = {"enterprise": enterprise, "portrait": portrait, "indicators": indicator_table(enterprise)}
    if portrait is not None:
        context["explained"] = presentation.explain(portrait)
    return render(request, "scoring/prereview_report.html", context)
