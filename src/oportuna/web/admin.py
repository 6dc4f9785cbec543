from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page to look at rows that only the services write.

    Services write these rows together with summaries, the audit trail and
    the process step. An edit or a delete in the admin would skip all three.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
