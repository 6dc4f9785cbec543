import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import Role


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _(
                "“%(value)s” is not a known time zone. Use an IANA name such as Europe/Madrid."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )


def default_language():
    # A callable, so that settings that change LANGUAGE_CODE (the tests run
    # in English) do not change the model and call for a migration.
    return settings.LANGUAGE_CODE


def default_time_zone():
    return settings.TIME_ZONE


class PartnerFirm(models.Model):
    """An outside firm that sells on the company's behalf (indirect sale)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner firm")
        verbose_name_plural = _("partner firms")

    def __str__(self):
        return self.name


class User(AbstractUser):
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=default_language,
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
    )
    partner_firm = models.ForeignKey(
        PartnerFirm,
        verbose_name=_("partner firm"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Set for the staff of an outside partner firm."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role_codes(self):
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_active and role in self.role_codes
