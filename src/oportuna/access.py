"""Access rules: who may see and do what. Every view and service calls them.

Roles are Django groups (see `oportuna.users.roles`). A partner firm's
staff see only the opportunities and tasks of their own firm.
"""

from django.db.models import Q

from oportuna.opportunities.models import Opportunity
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.users.roles import Role

# The lane role that means "whoever is in charge of the opportunity".
OWNER_ROLE = "owner"


def _has_role(user, role):
    # AnonymousUser has no roles and no has_role().
    return user.is_authenticated and user.has_role(role)


def active_partner_firm_id(user):
    """Return the id of the active firm whose staff the user is, or None."""
    if not _has_role(user, Role.PARTNER) or user.partner_firm_id is None:
        return None
    return user.partner_firm_id if user.partner_firm.is_active else None


def _sees_everything(user):
    return (
        (user.is_superuser and user.is_active)
        or _has_role(user, Role.COORDINATOR)
        or _has_role(user, Role.PROCESS_ADMIN)
    )


def can_register(user):
    return _has_role(user, Role.REGISTRAR) or _has_role(user, Role.COORDINATOR)


def can_assign(user):
    return _has_role(user, Role.COORDINATOR)


def can_own(user):
    """Return whether opportunities can be put in this user's own charge."""
    return _has_role(user, Role.SALESPERSON)


def is_owner(user, opportunity):
    if not user.is_authenticated or not user.is_active:
        return False
    if opportunity.owner_id is not None:
        return opportunity.owner_id == user.pk
    firm_id = active_partner_firm_id(user)
    return firm_id is not None and firm_id == opportunity.owner_partner_id


def visible_opportunities(user):
    queryset = Opportunity.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if _sees_everything(user):
        return queryset
    condition = Q(owner=user)
    if firm_id := active_partner_firm_id(user):
        condition |= Q(owner_partner_id=firm_id)
    if _has_role(user, Role.REGISTRAR):
        condition |= Q(registered_by=user)
    return queryset.filter(condition)


def can_view_opportunity(user, opportunity):
    return visible_opportunities(user).filter(pk=opportunity.pk).exists()


def can_follow_up(user, opportunity):
    """Return whether the user may log actions, set the phase and close it."""
    return is_owner(user, opportunity)


def task_conditions(user):
    """Return the conditions that select the user's open tasks, as a list.

    No task meets two of them: a task is assigned to a user, to a partner
    firm, or to a role, never to two of these at once. Each condition can
    use one index, so an inbox may query them one by one.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    conditions = [Q(assignee=user)]
    roles = [role for role in user.role_codes if role != OWNER_ROLE]
    if roles:
        # Only owner-lane tasks get an assignee or a partner, so a task of
        # one of these roles never meets the other two conditions.
        conditions.append(Q(role__in=roles))
    if firm_id := active_partner_firm_id(user):
        conditions.append(Q(partner_id=firm_id))
    return conditions


def visible_tasks(user):
    """Return the user's open tasks as one queryset.

    The inbox lists the same rows through processes.selectors.InboxTasks,
    which SQLite serves from its indexes.
    """
    queryset = HumanTask.objects.filter(status=TaskStatus.OPEN)
    conditions = task_conditions(user)
    if not conditions:
        return queryset.none()
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return queryset.filter(condition)


def can_work_on_task(user, task):
    if not task.is_open:
        return False
    if task.role == OWNER_ROLE:
        return is_owner(user, task.opportunity)
    return _has_role(user, task.role)


def can_see_team_observatory(user):
    return (user.is_superuser and user.is_active) or _has_role(user, Role.COORDINATOR)


def can_see_own_observatory(user):
    return _has_role(user, Role.SALESPERSON) or _has_role(user, Role.PARTNER)
