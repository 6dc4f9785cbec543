from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from oportuna.errors import DomainError

from ..models import ActionState, EventKind, FollowUpAction
from ..phases import Phase, is_allowed_change
from .audit import record_event
from .checks import check_follow_up_allowed, lock_opportunity
from .phases import apply_phase

ACTION_FIELDS = (
    "action_type",
    "subject",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "state",
    "cost",
    "notes",
)
# Planned dates outside this window are typing mistakes, not plans.
EARLIEST_PLANNED_YEAR = 2000
LATEST_PLANNED_YEARS_AHEAD = 10
# States in which an action of a phase-moving type moves the opportunity.
PHASE_MOVING_STATES = {ActionState.IN_PROGRESS, ActionState.DONE}


def add_action(opportunity, *, actor, **fields):
    """Log a follow-up action; the first one ends the Latent phase."""
    with transaction.atomic():
        opportunity = lock_opportunity(opportunity)
        check_follow_up_allowed(actor, opportunity)
        action = FollowUpAction(opportunity=opportunity, performed_by=actor)
        _set_fields(action, fields, currency=opportunity.currency)
        action.save()
        now = timezone.now()
        if opportunity.first_action_at is None:
            opportunity.first_action_at = _first_action_date(opportunity, action, now)
        if opportunity.phase == Phase.LATENT:
            apply_phase(opportunity, Phase.PRE_OFFER, actor=actor, at=now)
        _follow_action_type(opportunity, action, actor=actor)
        record_event(
            opportunity, EventKind.ACTION_ADDED, actor=actor, detail=action.subject
        )
        refresh_summary(opportunity)
        opportunity.save()
    return action


def _first_action_date(opportunity, action, now):
    """Return when the first action took place, or now if it is still ahead.

    An action logged after it happened dates the milestone by its actual
    start, but never before the registration.
    """
    happened = min(action.actual_start or now, now)
    return max(happened, opportunity.registered_at)


def update_action(action, *, actor, **fields):
    with transaction.atomic():
        opportunity = lock_opportunity(action.opportunity)
        check_follow_up_allowed(actor, opportunity)
        action = FollowUpAction.objects.get(pk=action.pk)
        _set_fields(action, fields, currency=opportunity.currency)
        action.save()
        _follow_action_type(opportunity, action, actor=actor)
        record_event(
            opportunity, EventKind.ACTION_CHANGED, actor=actor, detail=action.subject
        )
        refresh_summary(opportunity)
        opportunity.save()
    return action


def _set_fields(action, fields, *, currency):
    """Copy `fields` onto the action and check them together.

    Costs are in the opportunity's currency, so that its total and the
    observatories never add up amounts in two currencies.
    """
    for name, value in fields.items():
        if name not in ACTION_FIELDS:
            raise TypeError(f"unknown follow-up action field {name!r}")
        setattr(action, name, value)
    action.currency = currency
    if action.cost is None:
        action.cost = Decimal("0")
    if action.actual_end and not action.actual_start:
        raise DomainError("actual_end_needs_start", field="actual_start")
    if action.planned_start is None:
        # An action logged after it happened may skip the plan.
        if action.actual_start is None:
            raise DomainError("planned_start_required", field="planned_start")
        action.planned_start = action.actual_start
    _check_planned_window(action)
    if action.state == ActionState.DONE:
        _check_done_dates(action)
    if action.planned_end and action.planned_end < action.planned_start:
        raise DomainError("planned_end_before_start", field="planned_end")
    if (
        action.actual_start
        and action.actual_end
        and action.actual_end < action.actual_start
    ):
        raise DomainError("actual_end_before_start", field="actual_end")
    action.full_clean(exclude=["opportunity", "performed_by"])


def _check_done_dates(action):
    """Give a done action its actual dates, which cannot lie in the future.

    Missing actual dates default to the planned ones, or to now when the
    plan is still ahead: the action has taken place.
    """
    now = timezone.now()
    if action.actual_start is None:
        action.actual_start = min(action.planned_start, now)
    if action.actual_end is None:
        planned_end = action.planned_end or action.actual_start
        action.actual_end = max(min(planned_end, now), action.actual_start)
    for name in ("actual_start", "actual_end"):
        if getattr(action, name) > now:
            raise DomainError("done_in_future", field=name)


def _check_planned_window(action):
    # Compared by year, so that the window has no 29 February to miss.
    latest_year = timezone.now().year + LATEST_PLANNED_YEARS_AHEAD
    for name in ("planned_start", "planned_end"):
        value = getattr(action, name)
        if value is not None and not EARLIEST_PLANNED_YEAR <= value.year <= latest_year:
            raise DomainError(
                "planned_date_out_of_range",
                field=name,
                earliest=EARLIEST_PLANNED_YEAR,
                latest=latest_year,
            )


def _follow_action_type(opportunity, action, *, actor):
    """Move the phase when an action of a phase-moving type starts or is done."""
    target = action.action_type.moves_to_phase
    if target is None or action.state not in PHASE_MOVING_STATES:
        return
    target = Phase(target)
    if target != opportunity.phase and is_allowed_change(
        Phase(opportunity.phase), target
    ):
        # The milestone is when the action took place, not when it was typed.
        apply_phase(
            opportunity,
            target,
            actor=actor,
            milestone_at=action.actual_end or action.actual_start,
        )


def refresh_summary(opportunity):
    """Recompute the opportunity's action summaries; the caller saves it.

    Reads one opportunity's actions only, inside the transaction that
    wrote them, so lists of opportunities can read the summaries as stored.
    """
    open_states = [ActionState.PROPOSED, ActionState.IN_PROGRESS]
    summary = FollowUpAction.objects.filter(opportunity=opportunity).aggregate(
        proposed=Count("pk", filter=Q(state=ActionState.PROPOSED)),
        in_progress=Count("pk", filter=Q(state=ActionState.IN_PROGRESS)),
        done=Count("pk", filter=Q(state=ActionState.DONE)),
        cancelled=Count("pk", filter=Q(state=ActionState.CANCELLED)),
        cost=Sum("cost", filter=~Q(state=ActionState.CANCELLED)),
        next_due=Min("planned_start", filter=Q(state__in=open_states)),
    )
    opportunity.actions_proposed = summary["proposed"]
    opportunity.actions_in_progress = summary["in_progress"]
    opportunity.actions_done = summary["done"]
    opportunity.actions_cancelled = summary["cancelled"]
    opportunity.total_cost = summary["cost"] or Decimal("0")
    opportunity.next_due_at = summary["next_due"]
