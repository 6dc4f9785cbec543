from django.contrib import admin

from oportuna.web.admin import ReadOnlyAdmin

from .models import FollowUpAction, Opportunity, Order


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
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


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "opportunity",
        "action_type",
        "state",
        "planned_start",
        "cost",
    ]
    list_filter = ["state", "action_type"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "opportunity",
        "amount",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["status"]
