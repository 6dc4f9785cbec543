"""Read models of the two observatories, built on stored summaries."""

from django.db.models import Count, Q, Sum

from oportuna import access
from oportuna.opportunities.models import ActionState, FollowUpAction
from oportuna.users.roles import Role


def owner_actions(user, *, state=None):
    """Return the follow-up actions of every opportunity in the user's charge."""
    condition = Q(opportunity__owner=user)
    if user.has_role(Role.PARTNER) and user.partner_firm_id:
        condition |= Q(opportunity__owner_partner_id=user.partner_firm_id)
    actions = FollowUpAction.objects.filter(condition)
    if state:
        actions = actions.filter(state=state)
    return actions.select_related(
        "opportunity", "action_type", "performed_by"
    ).order_by("planned_start", "pk")


def action_totals(actions):
    """Count `actions` by state and add up their costs, one sum per currency."""
    totals = actions.aggregate(
        count=Count("pk"),
        proposed=Count("pk", filter=Q(state=ActionState.PROPOSED)),
        in_progress=Count("pk", filter=Q(state=ActionState.IN_PROGRESS)),
        done=Count("pk", filter=Q(state=ActionState.DONE)),
    )
    totals["costs"] = list(
        actions.exclude(state=ActionState.CANCELLED)
        .order_by("currency")
        .values("currency")
        .annotate(amount=Sum("cost"))
    )
    return totals


def team_open_opportunities(user):
    """Return the open opportunities the user may see, grouped by owner."""
    return (
        access.visible_opportunities(user)
        .open()
        .select_related("owner", "owner_partner", "account")
        .order_by(
            "owner__last_name",
            "owner__first_name",
            "owner_partner__name",
            "-registered_at",
        )
    )


def team_totals_by_owner(opportunities):
    """Add up the stored action summaries of `opportunities` per owner.

    Returns {(owner id, partner firm id): totals}; costs are summed per
    currency, in `totals["costs"]`.
    """
    rows = (
        opportunities.order_by()
        .values("owner", "owner_partner")
        .annotate(
            opportunities=Count("pk"),
            proposed=Sum("actions_proposed"),
            in_progress=Sum("actions_in_progress"),
            done=Sum("actions_done"),
        )
    )
    totals = {
        (row["owner"], row["owner_partner"]): {**row, "costs": []} for row in rows
    }
    costs = (
        opportunities.order_by("currency")
        .values("owner", "owner_partner", "currency")
        .annotate(amount=Sum("total_cost"))
    )
    for row in costs:
        totals[(row["owner"], row["owner_partner"])]["costs"].append(row)
    return totals


def unassigned_count(user):
    return (
        access.visible_opportunities(user)
        .open()
        .filter(owner__isnull=True, owner_partner__isnull=True)
        .count()
    )
