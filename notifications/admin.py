from django.contrib import admin

from notifications.models import ChannelPreference, Delivery, DeliveryLog, Notification, ReminderSent


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient_user", "recipient_enterprise", "kind", "text", "read_at"]
    list_filter = ["read_at", "kind"]
    search_fields = ["text", "recipient_user__username", "recipient_enterprise__name"]
    raw_id_fields = ["recipient_user", "recipient_enterprise"]
    readonly_fields = ["created_at"]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "updated_at"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """What was sent is a record: read in the admin, never written there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "channel", "address_masked", "status", "attempts", "error"]
    list_filter = ["status", "channel"]
    search_fields = ["user__username"]


@admin.register(DeliveryLog)
class DeliveryLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "channel", "address_masked", "status", "attempt", "error"]
    list_filter = ["status", "channel"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "enterprise", "user", "occurrence"]
    list_filter = ["kind"]
