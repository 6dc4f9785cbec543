"""The roles of Oportuna. Each role is a Django group named by its code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("registrar")
    COORDINATOR = "coordinator", _("coordinator")
    SALESPERSON = "salesperson", _("salesperson")
    PARTNER = "partner", _("partner")
    PROCESS_ADMIN = "process_admin", _("process administrator")
