"""Read models of the two observatories, built on stored summaries."""

from django.db.models import Count, Q, Sum

from oportuna import access
from oportuna.opportunities.models import ActionState, FollowUpAction


def owner_actions(user, *, state=None):
    """Return the follow-up actions of every opportunity in the user's charge."""
    condition = Q(opportunity__owner=user)
    if firm_id := access.active_partner_firm_id(user):
        condition |= Q(opportunity__owner_partner_id=firm_id)
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
        # The ids break ties between owners of the same name, so that each
        # owner's opportunities stay together for the grouping by owner.
        .order_by(
            "owner__last_name",
            "owner__first_name",
            "owner_id",
            "owner_partner__name",
            "owner_partner_id",
            "-registered_at",
        )
    )


def team_totals_by_owner(opportunities, owners):
    """Add up the stored action summaries of `opportunities` per owner.

    `owners` lists the (owner id, partner firm id) pairs to total, usually
    those on the page shown, so the sums read only their opportunities.
    Returns {(owner id, partner firm id): totals}, with the costs summed per
    currency in `totals["costs"]`.
    """
    owners = set(owners)
    user_ids = [owner_id for owner_id, _partner in owners if owner_id is not None]
    partner_ids = [
        partner_id for _owner, partner_id in owners if partner_id is not None
    ]
    # One indexed lookup per kind of owner; OR-ing one pair per owner made
    # SQLite scan every opportunity.
    condition = Q(owner_id__in=user_ids) | Q(owner_partner_id__in=partner_ids)
    if (None, None) in owners:
        condition |= Q(owner__isnull=True, owner_partner__isnull=True)
    rows = (
        opportunities.filter(condition)
        .order_by("currency")
        .values("owner", "owner_partner", "currency")
        .annotate(
            opportunities=Count("pk"),
            proposed=Sum("actions_proposed"),
            in_progress=Sum("actions_in_progress"),
            done=Sum("actions_done"),
            amount=Sum("total_cost"),
        )
    )
    totals: dict[tuple[int | None, int | None], dict] = {}
    for row in rows:
        key = (row["owner"], row["owner_partner"])
        total = totals.setdefault(
            key,
            {
                "opportunities": 0,
                "proposed": 0,
                "in_progress": 0,
                "done": 0,
                "costs": [],
            },
        )
        for name in ("opportunities", "proposed", "in_progress", "done"):
            total[name] += row[name]
        total["costs"].append({"currency": row["currency"], "amount": row["amount"]})
    return totals
