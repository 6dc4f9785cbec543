from django.contrib import admin

from .models import FollowUpAction, Opportunity, Order


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    """Read-only: changes go through the screens, which run the process."""

    list_display = [
        "__str__",
        "account",
        "phase",
        "owner",
        "owner_partner",
        "registered_at",
    ]
    list_filter = ["phase", "source"]
    search_fields = ["name", "account__name", "external_ref"]
    raw_id_fields = ["account", "owner", "registered_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "opportunity",
        "action_type",
        "state",
        "planned_start",
        "cost",
    ]
    list_filter = ["state", "action_type"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "opportunity",
        "amount",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
