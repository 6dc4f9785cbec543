from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "oportuna.opportunities"
    verbose_name = _("opportunities")
