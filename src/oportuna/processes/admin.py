from django.contrib import admin

from .models import DiagramVersion, HumanTask, OutboxMessage


@admin.register(DiagramVersion)
class DiagramVersionAdmin(admin.ModelAdmin):
    list_display = ["process_key", "name", "version", "is_active", "created_at"]
    readonly_fields = ["sha256", "spec", "bpmn_xml", "lane_roles"]


@admin.register(HumanTask)
class HumanTaskAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "opportunity",
        "role",
        "assignee",
        "partner",
        "status",
        "created_at",
    ]
    list_filter = ["status", "role", "form_key"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["name", "instance", "created_at", "handled_at"]
    list_filter = ["name"]
