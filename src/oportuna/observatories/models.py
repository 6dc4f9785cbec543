from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A snapshot an owner sent to the observatories with “Publish to observatory”.

    A snapshot of the opportunity's actions at that moment; the live
    observatory lists read the actions themselves.
    """

    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        on_delete=models.CASCADE,
        related_name="publications",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    published_at = models.DateTimeField(auto_now_add=True)
    actions_proposed = models.PositiveIntegerField(default=0)
    actions_in_progress = models.PositiveIntegerField(default=0)
    actions_done = models.PositiveIntegerField(default=0)
    total_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # One entry per action: id, type, subject, state, planned dates, cost.
    actions = models.JSONField(default=list)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("publication to the observatory")
        verbose_name_plural = _("publications to the observatory")

    def __str__(self):
        return f"{self.opportunity} ({self.published_at:%Y-%m-%d %H:%M})"
