from django.contrib import admin

from oportuna.web.admin import ReadOnlyAdmin

from .models import DiagramVersion, HumanTask, OutboxMessage


@admin.register(DiagramVersion)
class DiagramVersionAdmin(ReadOnlyAdmin):
    """Versions are installed by processes.services.install_diagram only."""

    list_display = ["process_key", "name", "version", "is_active", "created_at"]


@admin.register(HumanTask)
class HumanTaskAdmin(ReadOnlyAdmin):
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
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["name", "instance", "created_at", "handled_at"]
    list_filter = ["name"]
