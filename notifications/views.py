from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pages import form_action
from notifications.forms import ChannelSettingsForm
from notifications.selectors import (
    channel_settings,
    notification_get,
    notification_list,
    recent_deliveries,
    unread_count,
)
from notifications.services import channel_preference_set, notifications_mark_read

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


@login_required
@require_http_methods(["GET", "POST"])
def channel_settings_view(request):
    """Notification settings: which channels besides the bell carry the user's reminders, and the last ones sent."""
    if request.method == "POST":
        return form_action(
            request,
            ChannelSettingsForm(request.POST),
            lambda data: channel_preference_set(user=request.user, actor=request.user, **data),
            success=_("Notification settings saved."),
            then=reverse("notifications:settings"),
        )
    chosen = channel_settings(user=request.user)
    context = {
        "chosen": chosen,
        "form": ChannelSettingsForm(initial={"email": chosen.email, "sms": chosen.sms}),
        "deliveries": recent_deliveries(user=request.user),
    }
    return render(request, "notifications/settings.html", context)
