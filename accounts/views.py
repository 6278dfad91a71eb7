from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.models import Role
from accounts.scoping import ROLES_SEEING_ALL
from cultivation.selectors import open_warning_count
from enterprises.selectors import registry_by_county, registry_summary


@login_required
def home_view(request):
    """Each role lands on what it works with: a firm on its own record, staff and leaders on their overview."""
    user = request.user
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return redirect("enterprises:detail", credit_code=user.enterprise.credit_code)
    context = {"summary": registry_summary(user=user), "open_warnings": open_warning_count(user=user)}
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        context["by_county"] = registry_by_county(user=user)
    return render(request, "accounts/home.html", context)
