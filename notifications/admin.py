from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient_user", "recipient_enterprise", "text", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["text", "recipient_user__username", "recipient_enterprise__name"]
    raw_id_fields = ["recipient_user", "recipient_enterprise"]
    readonly_fields = ["created_at"]
