from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.permissions import is_enterprise_user, is_leader
from accounts.scoping import sees_whole_city
from cultivation.selectors import open_warning_count
from enterprises.selectors import registry_by_county, registry_summary


@login_required
def home_view(request):
    """Each role lands on what it works with: a firm on its own record, staff and leaders on their overview."""
    user = request.user
    if is_enterprise_user(user):
        return redirect("enterprises:detail", credit_code=user.enterprise.credit_code)
    if is_leader(user):
        # Municipal leaders read the dashboards first.
        return redirect("dashboards:dashboard")
    context = {"summary": registry_summary(user=user), "open_warnings": open_warning_count(user=user)}
    if sees_whole_city(user):
        context["by_county"] = registry_by_county(user=user)
    return render(request, "workspaces/home.html", context)
