from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from cultivation.selectors import open_warning_count
from enterprises.selectors import registry_by_county, registry_summary
from reports.selectors import report_progress
from workspaces import homes
from workspaces.permissions import CITY, COUNTY, FIRM, LEADER, OFFICER, home_kind


@login_required
@require_safe
def home_view(request):
    """Each role lands on its own work: a firm on its next steps, an officer on its firms, county and city staff on
    what waits for them (the registry's figures below it), leaders on the dashboard."""
    user = request.user
    kind = home_kind(user)
    if kind == LEADER:
        # Municipal leaders read the dashboards first.
        return redirect("dashboards:dashboard")
    if kind == FIRM:
        return render(request, "workspaces/firm_home.html", {"home": homes.firm_home(user=user)})
    if kind == OFFICER:
        return render(request, "workspaces/officer_home.html", {"items": homes.officer_home(user=user)})
    context = {"kind": kind, "summary": registry_summary(user=user)}
    if kind == COUNTY:
        context["items"], context["open_warnings"] = homes.county_home(user=user)
        context["report_progress"] = report_progress(user=user)
    else:
        context["items"] = homes.city_home(user=user) if kind == CITY else []
        context["open_warnings"] = open_warning_count(user=user)
    if kind == CITY:
        context["by_county"] = registry_by_county(user=user)
    context["has_work"] = any(item.has_work for item in context["items"])
    return render(request, "workspaces/home.html", context)
