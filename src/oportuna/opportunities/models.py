from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oportuna.accounts.models import Account, Contact
from oportuna.catalog.models import (
    ActionType,
    Department,
    Importance,
    LostReason,
    Probability,
    Product,
    PurchaseWindow,
    Size,
    Source,
)
from oportuna.currencies import validate_currency
from oportuna.users.models import PartnerFirm

from .phases import CLOSED_PHASES, Phase


def currency_field():
    return models.CharField(
        _("currency"),
        max_length=3,
        default=settings.OPORTUNA_DEFAULT_CURRENCY,
        validators=[validate_currency],
    )


class OpportunityQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(phase__in=CLOSED_PHASES)

    def closed(self):
        return self.filter(phase__in=CLOSED_PHASES)


class Opportunity(models.Model):
    """An opportunity record (ficha de la OV) with its running summaries."""

    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="opportunities",
        # Only imported rows may lack an account; forms require one.
        null=True,
        blank=True,
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    importance = models.ForeignKey(
        Importance,
        verbose_name=_("importance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    size = models.ForeignKey(
        Size, verbose_name=_("size"), on_delete=models.PROTECT, null=True, blank=True
    )
    purchase_window = models.ForeignKey(
        PurchaseWindow,
        verbose_name=_("expected purchase window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    probability = models.ForeignKey(
        Probability,
        verbose_name=_("estimated probability of success"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("interested departments"), blank=True
    )
    contacts = models.ManyToManyField(
        Contact,
        verbose_name=_("contact persons"),
        blank=True,
        related_name="opportunities",
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    line_of_business = models.CharField(
        _("account's line of business"), max_length=200, blank=True
    )
    website = models.URLField(_("web site"), blank=True)
    other_data = models.TextField(_("other relevant data"), max_length=5000, blank=True)
    budget = models.DecimalField(
        _("account's budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = currency_field()

    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, default=Phase.LATENT
    )
    registered_at = models.DateTimeField(_("registration date"), default=timezone.now)
    first_action_at = models.DateTimeField(
        _("first action date"), null=True, blank=True
    )
    offer_sent_at = models.DateTimeField(_("offer sent date"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("offer accepted or declined date"), null=True, blank=True
    )
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    lost_notes = models.TextField(_("notes on the loss"), max_length=2000, blank=True)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_opportunities",
        help_text=_("The salesperson in charge, for a direct sale."),
    )
    owner_partner = models.ForeignKey(
        PartnerFirm,
        verbose_name=_("partner in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        help_text=_("The partner firm in charge, for an indirect sale."),
    )
    # Where an imported opportunity came from ("maven:1C1I7A6R"), so that
    # importing the same file again updates nothing and creates nothing.
    external_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)

    # Summaries of the follow-up actions, rewritten in the same transaction
    # as every action write, so that lists never aggregate actions.
    actions_proposed = models.PositiveIntegerField(default=0, editable=False)
    actions_in_progress = models.PositiveIntegerField(default=0, editable=False)
    actions_done = models.PositiveIntegerField(default=0, editable=False)
    actions_cancelled = models.PositiveIntegerField(default=0, editable=False)
    total_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["owner", "phase"], name="opp_owner_phase"),
            models.Index(fields=["owner_partner", "phase"], name="opp_partner_phase"),
            models.Index(
                fields=["phase", "registered_at"], name="opp_phase_registered"
            ),
            models.Index(fields=["next_due_at"], name="opp_next_due"),
            # The default ordering of every opportunity list.
            models.Index(fields=["-registered_at", "-id"], name="opp_registered_desc"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(
                    models.Q(owner__isnull=False)
                    & models.Q(owner_partner__isnull=False)
                ),
                name="opp_one_owner_kind",
                violation_error_message=_(
                    "An opportunity is in the charge of a salesperson or of a partner, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reference(self):
        return f"OV-{self.pk:06d}" if self.pk else ""

    @property
    def is_closed(self):
        return self.phase in CLOSED_PHASES

    @property
    def is_won(self):
        return self.phase == Phase.OFFER_ACCEPTED

    @property
    def owner_display(self):
        if self.owner_id:
            return str(self.owner)
        if self.owner_partner_id:
            return str(self.owner_partner)
        return ""


class RequestedProduct(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="requested_products"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product or service"), on_delete=models.PROTECT
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("requested product")
        verbose_name_plural = _("requested products")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "product"], name="requested_product_once"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product}"


def document_upload_to(document, filename):
    return f"opportunities/{document.opportunity_id}/{filename}"


class Document(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    title = models.CharField(_("title"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    def __str__(self):
        return self.title


class ActionState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class FollowUpAction(models.Model):
    """One call, visit, email, demo or offer logged against an opportunity."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    action_type = models.ForeignKey(
        ActionType, verbose_name=_("type"), on_delete=models.PROTECT
    )
    subject = models.CharField(_("subject"), max_length=200)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ActionState.choices,
        default=ActionState.PROPOSED,
    )
    cost = models.DecimalField(
        _("cost"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    currency = currency_field()
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_start", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [
            models.Index(fields=["opportunity", "state"], name="action_opp_state"),
            models.Index(
                fields=["performed_by", "planned_start"], name="action_user_start"
            ),
        ]

    def __str__(self):
        return self.subject


class PhaseChange(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.PositiveSmallIntegerField(
        _("previous phase"), choices=Phase.choices, null=True, blank=True
    )
    to_phase = models.PositiveSmallIntegerField(_("new phase"), choices=Phase.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")

    def __str__(self):
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("registered the opportunity")
    ASSIGNED = "assigned", _("assigned the owner")
    REASSIGNED = "reassigned", _("handed the opportunity to another owner")
    ACTION_ADDED = "action_added", _("added a follow-up action")
    ACTION_CHANGED = "action_changed", _("changed a follow-up action")
    PHASE_CHANGED = "phase_changed", _("changed the phase")
    PUBLISHED = "published", _("published to the observatory")
    DOCUMENT_ADDED = "document_added", _("attached a document")
    WON = "won", _("closed the opportunity as won")
    LOST = "lost", _("closed the opportunity as lost")
    IMPORTED = "imported", _("imported the opportunity")


class OpportunityEvent(models.Model):
    """Audit trail: who did what to an opportunity, and when."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    # What the event is about, as plain text already in the actor's words,
    # for example the action subject or the new owner's name.
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["opportunity", "at"], name="event_opp_at")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


class OrderStatus(models.TextChoices):
    PENDING_HANDOFF = "pending", _("waiting for fulfilment")
    HANDED_OFF = "handed_off", _("handed to fulfilment")


class Order(models.Model):
    """An accepted offer, handed to the supply process outside this product."""

    opportunity = models.OneToOneField(
        Opportunity, on_delete=models.PROTECT, related_name="order"
    )
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = currency_field()
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_HANDOFF,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"PED-{self.pk:06d}" if self.pk else ""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    # The product's catalogue currency, which may differ from the order's.
    currency = currency_field()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} × {self.product}"

    @property
    def total(self):
        return self.quantity * self.unit_price
