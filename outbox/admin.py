from django.contrib import admin

from outbox.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: to see what is pending and why. Delivery is the sweep's job."""

    list_display = ("pk", "handler", "created_at", "attempts", "available_at", "delivered_at", "last_error")
    list_filter = ("handler", ("delivered_at", admin.EmptyFieldListFilter))
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
