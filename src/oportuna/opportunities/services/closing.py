from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from oportuna.accounts.services import make_client
from oportuna.errors import DomainError
from oportuna.processes import services as processes
from oportuna.processes.models import HumanTask, TaskStatus

from ..models import EventKind, Order, OrderLine
from ..phases import Phase, lost_phase_for
from .audit import record_event
from .checks import check_follow_up_allowed, lock_opportunity
from .phases import apply_phase

FOLLOW_UP_FORM = "follow_up"


def close_won(opportunity, *, actor, amount=None, currency=None):
    """Close as won: the offer is accepted and becomes an order.

    Without `amount`, the order is worth the requested products at their
    catalogue prices. The process then throws the hand-off message for the
    supply process.
    """
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        check_follow_up_allowed(actor, opportunity)
        if opportunity.phase != Phase.OFFER_SENT:
            raise DomainError("offer_not_sent", phase=Phase(opportunity.phase).label)
        now = timezone.now()
        apply_phase(opportunity, Phase.OFFER_ACCEPTED, actor=actor, at=now)
        lines = [
            (requested.product, requested.quantity, requested.product.unit_price)
            for requested in opportunity.requested_products.select_related("product")
        ]
        currency = currency or opportunity.currency
        if amount is None:
            foreign = sorted(
                {product.currency for product, _q, _p in lines} - {currency}
            )
            if foreign:
                raise DomainError(
                    "amount_in_other_currencies",
                    field="amount",
                    currencies=foreign,
                    currency=currency,
                )
            amount = sum(
                (quantity * price for _p, quantity, price in lines), Decimal("0")
            )
            if not amount:
                raise DomainError("amount_required", field="amount")
        if amount <= 0:
            raise DomainError("amount_not_positive", field="amount")
        order = Order.objects.create(
            opportunity=opportunity,
            amount=amount,
            currency=currency,
            created_at=now,
            created_by=actor,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=product,
                quantity=quantity,
                unit_price=price,
                currency=product.currency,
            )
            for product, quantity, price in lines
        )
        opportunity.save()
        if opportunity.account_id:
            make_client(opportunity.account)
        record_event(
            opportunity, EventKind.WON, actor=actor, detail=order.reference, at=now
        )
        _complete_follow_up(opportunity, actor=actor, won=True)
    return order


def close_lost(opportunity, *, actor, lost_reason, notes=""):
    """Close as lost: dropped before an offer, or the offer was declined."""
    if lost_reason is None:
        raise DomainError("lost_reason_required", field="lost_reason")
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        check_follow_up_allowed(actor, opportunity)
        apply_phase(opportunity, lost_phase_for(Phase(opportunity.phase)), actor=actor)
        opportunity.lost_reason = lost_reason
        opportunity.lost_notes = notes
        opportunity.save()
        record_event(opportunity, EventKind.LOST, actor=actor, detail=lost_reason.label)
        _complete_follow_up(opportunity, actor=actor, won=False)
    return opportunity


def _complete_follow_up(opportunity, *, actor, won):
    task = HumanTask.objects.filter(
        opportunity=opportunity, form_key=FOLLOW_UP_FORM, status=TaskStatus.OPEN
    ).first()
    if task is not None:
        processes.complete_task(task, actor=actor, data={"won": won})
