from django.contrib import admin

from . import models


class OptionAdmin(admin.ModelAdmin):
    list_display = ["code", "label_es", "label_en", "position", "is_active"]
    list_editable = ["label_es", "label_en", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "label_es", "label_en"]


for option_model in (
    models.Source,
    models.Importance,
    models.Size,
    models.PurchaseWindow,
    models.Probability,
    models.Nature,
    models.Department,
    models.LostReason,
):
    admin.site.register(option_model, OptionAdmin)


@admin.register(models.ActionType)
class ActionTypeAdmin(OptionAdmin):
    list_display = [*OptionAdmin.list_display, "moves_to_phase"]
    list_editable = [*OptionAdmin.list_editable, "moves_to_phase"]


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "series", "unit_price", "currency", "is_active"]
    list_filter = ["is_active", "series"]
    search_fields = ["code", "name"]
