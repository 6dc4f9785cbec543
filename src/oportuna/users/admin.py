from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import PartnerFirm, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Oportuna"), {"fields": ["language", "time_zone", "partner_firm"]}),
    ]
    list_display = ["username", "first_name", "last_name", "partner_firm", "is_active"]
    list_filter = [*BaseUserAdmin.list_filter, "partner_firm"]


@admin.register(PartnerFirm)
class PartnerFirmAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "email", "is_active"]
    search_fields = ["name", "tax_id"]
