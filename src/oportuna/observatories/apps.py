from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoriesConfig(AppConfig):
    name = "oportuna.observatories"
    verbose_name = _("observatories")

    def ready(self):
        from . import handlers  # noqa: F401  (registers the message handlers)
