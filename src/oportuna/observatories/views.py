from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from oportuna import access
from oportuna.opportunities.models import ActionState
from oportuna.web.http import require

from . import selectors


@login_required
def my_observatory(request):
    require(access.can_see_own_observatory(request.user))
    state = request.GET.get("state") or None
    if state not in ActionState.values:
        state = None
    actions = selectors.owner_actions(request.user, state=state)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "totals": selectors.action_totals(actions),
        "states": ActionState.choices,
        "state": state,
    }
    return render(request, "observatories/mine.html", context)


@login_required
def team_observatory(request):
    require(access.can_see_team_observatory(request.user))
    opportunities = selectors.team_open_opportunities(request.user)
    page = Paginator(opportunities, 100).get_page(request.GET.get("page"))
    totals = selectors.team_totals_by_owner(
        opportunities,
        [
            (opportunity.owner_id, opportunity.owner_partner_id)
            for opportunity in page.object_list
        ],
    )
    groups = []
    for opportunity in page.object_list:
        key = (opportunity.owner_id, opportunity.owner_partner_id)
        if not groups or groups[-1]["key"] != key:
            groups.append(
                {
                    "key": key,
                    "owner": opportunity.owner_display,
                    "totals": totals.get(key),
                    "opportunities": [],
                }
            )
        groups[-1]["opportunities"].append(opportunity)
    return render(request, "observatories/team.html", {"groups": groups, "page": page})
