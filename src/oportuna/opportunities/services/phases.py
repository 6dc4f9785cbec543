from django.db import transaction
from django.utils import timezone

from oportuna.errors import DomainError

from ..models import EventKind, PhaseChange
from ..phases import (
    ALLOWED_CHANGES,
    CLOSED_PHASES,
    MANUAL_PHASES,
    Phase,
    is_allowed_change,
)
from .audit import record_event
from .checks import check_follow_up_allowed, lock_opportunity


def change_phase(opportunity, *, actor, phase):
    """Set the phase by hand; the closed phases need close_won or close_lost."""
    phase = Phase(int(phase))
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        check_follow_up_allowed(actor, opportunity)
        if phase == opportunity.phase:
            return opportunity
        if opportunity.phase == Phase.LATENT:
            raise DomainError("latent_needs_action", field="phase")
        # The error lists these, so it names only phases the owner can pick.
        choices = [
            choice
            for choice in MANUAL_PHASES
            if is_allowed_change(Phase(opportunity.phase), choice)
        ]
        if phase not in choices:
            raise _not_allowed(opportunity, phase, choices)
        apply_phase(opportunity, phase, actor=actor)
        opportunity.save()
    return opportunity


def apply_phase(opportunity, phase, *, actor, at=None, milestone_at=None):
    """Move an opportunity to `phase` and set the milestones that follow.

    `at` is when the change is recorded (now by default); `milestone_at`,
    when the event behind it happened, if earlier (an offer sent yesterday
    and logged today), but not before the previous milestone. The caller holds the opportunity's row lock and
    saves it afterwards. Raises DomainError if the change is not allowed
    from the current phase.
    """
    current = Phase(opportunity.phase)
    if not is_allowed_change(current, phase):
        raise _not_allowed(opportunity, phase, ALLOWED_CHANGES[current])
    at = at or timezone.now()
    # Milestones keep their order: never before the milestone before them.
    earliest = opportunity.first_action_at or opportunity.registered_at
    milestone_at = min(milestone_at or at, at)
    if earliest is not None:
        milestone_at = max(milestone_at, earliest)
    opportunity.phase = phase
    if phase == Phase.OFFER_SENT and opportunity.offer_sent_at is None:
        opportunity.offer_sent_at = milestone_at
    if phase in CLOSED_PHASES:
        opportunity.closed_at = milestone_at
    PhaseChange.objects.create(
        opportunity=opportunity,
        from_phase=current,
        to_phase=phase,
        changed_by=actor,
        changed_at=at,
    )
    # NOTE: the detail keeps the phase names in the actor's language; the
    # phase history (PhaseChange) is the language-neutral record.
    record_event(
        opportunity,
        EventKind.PHASE_CHANGED,
        actor=actor,
        detail=f"{current.label} → {phase.label}",
        at=at,
    )


def _not_allowed(opportunity, phase, allowed):
    return DomainError(
        "phase_change_not_allowed",
        field="phase",
        current=Phase(opportunity.phase).label,
        new=phase.label,
        allowed=[Phase(choice).label for choice in sorted(allowed)],
    )
