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
    with transaction.atomic():
        opportunity = lock_opportunity(task.opportunity)
        opportunity.owner = salesperson
        opportunity.owner_partner = partner
        opportunity.save(update_fields=["owner", "owner_partner", "updated_at"])
        record_event(
            opportunity,
            EventKind.ASSIGNED,
            actor=actor,
            detail=str(salesperson or partner),
        )
        processes.refresh_owner_tasks(opportunity)
        processes.complete_task(task, actor=actor)
    return opportunity
