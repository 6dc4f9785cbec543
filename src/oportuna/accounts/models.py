from django.db import models
from django.utils.translation import gettext_lazy as _

from oportuna.catalog.models import Nature

from .matching import normalize_account_name


class AccountKind(models.TextChoices):
    CLIENT = "client", _("client")
    PROSPECT = "prospect", _("prospect")


class Account(models.Model):
    """The party an opportunity is about: a person or an organisation."""

    name = models.CharField(_("name"), max_length=200)
    # normalize_account_name(name): what matching compares, so that
    # "Consultoría Pérez S.L." and "consultoria perez sl" are one account.
    match_key = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=AccountKind.choices,
        default=AccountKind.PROSPECT,
    )
    nature = models.ForeignKey(
        Nature,
        verbose_name=_("nature"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True, db_index=True)
    line_of_business = models.CharField(
        _("line of business"), max_length=200, blank=True
    )
    website = models.URLField(_("web site"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.match_key = normalize_account_name(self.name)
        if (
            kwargs.get("update_fields") is not None
            and "name" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "match_key"}
        super().save(*args, **kwargs)


class Contact(models.Model):
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name
