from django.contrib import admin

from .models import Account, Contact


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nature", "tax_id", "city", "country"]
    list_filter = ["kind", "nature"]
    search_fields = ["name", "tax_id", "email"]
    inlines = [ContactInline]
