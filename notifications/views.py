from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.selectors import notification_get, notification_list, unread_count
from notifications.services import notifications_mark_read

PAGE_SIZE = 50


@login_required
@require_GET
def notification_list_view(request):
    """The user's notifications, newest first (session, user, count, page: 4 queries)."""
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def unread_badge_view(request):
    """The navbar bell's count, loaded by htmx so that no page pays a query for it."""
    return render(request, "notifications/_badge.html", {"unread": unread_count(user=request.user)})


@login_required
@require_POST
def mark_read_view(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    notifications_mark_read(user=request.user, ids=ids or None)
    return redirect("notifications:list")


@login_required
@require_GET
def open_view(request, pk):
    """Follow a notification's link, marking it read."""
    notification = notification_get(user=request.user, pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
        return redirect(notification.link)
    return redirect("notifications:list")
