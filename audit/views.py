from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from audit.exports import access_log_workbook
from audit.forms import AccessLogFilterForm
from audit.selectors import access_log
from core.access import AccessKind, form_filters, record_access

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def access_log_view(request):
    """The city administrator's access log: filters, pages, and the same rows as xlsx (`?format=xlsx`), that
    export itself logged."""
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = access_log(
        user=request.user,
        who=filters.get("who", ""),
        kind=filters.get("kind", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    if request.GET.get("format") == "xlsx":
        handle, rows = access_log_workbook(events.iterator(chunk_size=2000))
        record_access(
            request=request,
            kind=AccessKind.EXPORT,
            what=_("Access log"),
            filters=form_filters(form) if form.is_bound and form.is_valid() else (),
            rows=rows,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(handle, as_attachment=True, filename=f"访问日志-{stamp}.xlsx", content_type=XLSX)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "querystring": query.urlencode()},
    )
