from oportuna import access
from oportuna.errors import DomainError

from ..models import Opportunity


def lock_opportunity(opportunity):
    """Re-read the opportunity with its row locked until the transaction ends."""
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


def check_follow_up_allowed(actor, opportunity):
    if not access.can_follow_up(actor, opportunity):
        raise DomainError("not_allowed")
    if opportunity.is_closed:
        raise DomainError("opportunity_closed", phase=opportunity.get_phase_display())
