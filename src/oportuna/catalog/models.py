"""Option lists of the opportunity record, and the product catalogue.

Every option list is company data: an administrator adds, renames,
reorders and retires options in the admin. A retired option stays on the
records that use it but is no longer offered in forms.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oportuna.currencies import validate_currency
from oportuna.opportunities.phases import Phase


class OptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Option(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    label_es = models.CharField(_("Spanish label"), max_length=120)
    label_en = models.CharField(_("English label"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OptionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if (get_language() or "").startswith("en"):
            return self.label_en
        return self.label_es


class Source(Option):
    class Meta(Option.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class Importance(Option):
    class Meta(Option.Meta):
        verbose_name = _("importance")
        verbose_name_plural = _("importance levels")


class Size(Option):
    class Meta(Option.Meta):
        verbose_name = _("size")
        verbose_name_plural = _("sizes")


class PurchaseWindow(Option):
    class Meta(Option.Meta):
        verbose_name = _("purchase window")
        verbose_name_plural = _("purchase windows")


class Probability(Option):
    class Meta(Option.Meta):
        verbose_name = _("probability of success")
        verbose_name_plural = _("probabilities of success")


class Nature(Option):
    class Meta(Option.Meta):
        verbose_name = _("nature of the account")
        verbose_name_plural = _("natures of accounts")


class Department(Option):
    class Meta(Option.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class ActionType(Option):
    moves_to_phase = models.PositiveSmallIntegerField(
        _("moves to phase"),
        choices=Phase.choices,
        null=True,
        blank=True,
        help_text=_(
            "Phase the opportunity moves to when an action of this type "
            "is done, for example “5 Offer sent” for “send offer”. Leave empty "
            "for actions that do not change the phase."
        ),
    )

    class Meta(Option.Meta):
        verbose_name = _("action type")
        verbose_name_plural = _("action types")


class LostReason(Option):
    class Meta(Option.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


class Product(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    series = models.CharField(_("series"), max_length=100, blank=True)
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=settings.OPORTUNA_DEFAULT_CURRENCY,
        validators=[validate_currency],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")

    def __str__(self):
        return self.name
