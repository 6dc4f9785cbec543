from django.db import transaction

from oportuna import access
from oportuna.errors import DomainError
from oportuna.processes import services as processes

from ..models import EventKind
from .audit import record_event
from .checks import lock_opportunity


def assign_owner(task, *, actor, salesperson=None, partner=None):
    """Complete the coordinator's task: put a salesperson or a partner in charge."""
    if not access.can_work_on_task(actor, task) or not access.can_assign(actor):
        raise DomainError("not_allowed")
    _check_owner(salesperson, partner)
    with transaction.atomic():
        opportunity = lock_opportunity(task.opportunity)
        _set_owner(
            opportunity, salesperson, partner, actor=actor, kind=EventKind.ASSIGNED
        )
        processes.complete_task(task, actor=actor)
    return opportunity


def reassign_owner(opportunity, *, actor, salesperson=None, partner=None):
    """Hand an open, assigned opportunity to another owner.

    Its open follow-up task moves to the new owner's inbox; the actions
    logged so far stay with the people who did them.
    """
    if not access.can_assign(actor):
        raise DomainError("not_allowed")
    _check_owner(salesperson, partner)
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        if opportunity.is_closed:
            raise DomainError(
                "opportunity_closed", phase=opportunity.get_phase_display()
            )
        if opportunity.owner_id is None and opportunity.owner_partner_id is None:
            raise DomainError("not_assigned_yet")
        if (opportunity.owner, opportunity.owner_partner) == (salesperson, partner):
            return opportunity
        _set_owner(
            opportunity, salesperson, partner, actor=actor, kind=EventKind.REASSIGNED
        )
    return opportunity


def _check_owner(salesperson, partner):
    if salesperson is None and partner is None:
        raise DomainError("owner_required", field="owner")
    if salesperson is not None and partner is not None:
        raise DomainError("owner_ambiguous", field="owner")
    if salesperson is not None and not (
        salesperson.is_active and access.can_own(salesperson)
    ):
        raise DomainError("owner_not_salesperson", field="owner", user=str(salesperson))
    if partner is not None and not partner.is_active:
        raise DomainError("partner_inactive", field="owner", partner=str(partner))


def _set_owner(opportunity, salesperson, partner, *, actor, kind):
    """Put the owner in charge; the caller holds the opportunity's row lock."""
    opportunity.owner = salesperson
    opportunity.owner_partner = partner
    opportunity.save(update_fields=["owner", "owner_partner", "updated_at"])
    record_event(opportunity, kind, actor=actor, detail=str(salesperson or partner))
    processes.refresh_owner_tasks(opportunity)
