from django.utils import timezone

from ..models import OpportunityEvent


def record_event(opportunity, kind, *, actor, detail="", at=None):
    return OpportunityEvent.objects.create(
        opportunity=opportunity,
        kind=kind,
        actor=actor,
        detail=str(detail)[:300],
        at=at or timezone.now(),
    )
