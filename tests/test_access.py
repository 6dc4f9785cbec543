"""Who may see and do what, persona by persona.

The `world` fixture contains five opportunities: one still unassigned, one
for each salesperson and one for each partner firm. The registrar
registered the unassigned one and the salesperson's, and the coordinator
registered the rest. Each table below lists exactly what one persona gets.
"""

import pytest

import factories
from oportuna import access

pytestmark = pytest.mark.django_db

PERSONAS = [
    "registrar",
    "coordinator",
    "salesperson",
    "other_salesperson",
    "partner_a_user",
    "partner_b_user",
    "process_admin",
    "outsider",
    "anonymous",
]
OPPORTUNITIES = {"unassigned", "sales", "other_sales", "partner_a", "partner_b"}
OWNED = OPPORTUNITIES - {"unassigned"}

# What each persona may see; the tasks are the open ones, named by the
# opportunity they belong to ("assign:…" for the coordinator's task).
VISIBLE_OPPORTUNITIES = {
    "registrar": {"unassigned", "sales"},
    "coordinator": OPPORTUNITIES,
    "salesperson": {"sales"},
    "other_salesperson": {"other_sales"},
    "partner_a_user": {"partner_a"},
    "partner_b_user": {"partner_b"},
    "process_admin": OPPORTUNITIES,
    "outsider": set(),
    "anonymous": set(),
}
FOLLOWS_UP = {
    "salesperson": {"sales"},
    "other_salesperson": {"other_sales"},
    "partner_a_user": {"partner_a"},
    "partner_b_user": {"partner_b"},
}
VISIBLE_TASKS = {
    "coordinator": {"assign:unassigned"},
    "salesperson": {"follow_up:sales"},
    "other_salesperson": {"follow_up:other_sales"},
    "partner_a_user": {"follow_up:partner_a"},
    "partner_b_user": {"follow_up:partner_b"},
}
# can_register, can_assign, can_see_team_observatory, can_see_own_observatory
ROLE_CHECKS = {
    "registrar": (True, False, False, False),
    "coordinator": (True, True, True, False),
    "salesperson": (False, False, False, True),
    "other_salesperson": (False, False, False, True),
    "partner_a_user": (False, False, False, True),
    "partner_b_user": (False, False, False, True),
    "process_admin": (False, False, False, False),
    "outsider": (False, False, False, False),
    "anonymous": (False, False, False, False),
}


@pytest.fixture
def world(registrar, coordinator, salesperson, other_salesperson, partner_a, partner_b):
    """The five opportunities and their open tasks, keyed by label."""
    opportunities = {
        "unassigned": factories.register(registrar, name="unassigned"),
        "sales": factories.register(registrar, name="sales"),
        "other_sales": factories.register(coordinator, name="other_sales"),
        "partner_a": factories.register(coordinator, name="partner_a"),
        "partner_b": factories.register(coordinator, name="partner_b"),
    }
    owners = {
        "sales": {"salesperson": salesperson},
        "other_sales": {"salesperson": other_salesperson},
        "partner_a": {"partner": partner_a},
        "partner_b": {"partner": partner_b},
    }
    for label, owner in owners.items():
        factories.assign(opportunities[label], coordinator, **owner)
    tasks = {
        "assign:unassigned": factories.open_task(
            opportunities["unassigned"], "assign_owner"
        )
    }
    for label in OWNED:
        tasks[f"follow_up:{label}"] = factories.open_task(
            opportunities[label], "follow_up"
        )
    for opportunity in opportunities.values():
        opportunity.refresh_from_db()
    return opportunities, tasks


def labels(opportunities, queryset):
    by_pk = {opportunity.pk: label for label, opportunity in opportunities.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def task_labels(tasks, queryset):
    by_pk = {task.pk: label for label, task in tasks.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_opportunities(request, world, persona):
    opportunities, _tasks = world
    user = request.getfixturevalue(persona)

    visible = labels(opportunities, access.visible_opportunities(user))

    assert visible == VISIBLE_OPPORTUNITIES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_view_opportunity(request, world, persona):
    opportunities, _tasks = world
    user = request.getfixturevalue(persona)

    viewable = {
        label
        for label, opportunity in opportunities.items()
        if access.can_view_opportunity(user, opportunity)
    }

    assert viewable == VISIBLE_OPPORTUNITIES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_follow_up(request, world, persona):
    opportunities, _tasks = world
    user = request.getfixturevalue(persona)

    allowed = {
        label
        for label, opportunity in opportunities.items()
        if access.can_follow_up(user, opportunity)
    }

    assert allowed == FOLLOWS_UP.get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_tasks(request, world, persona):
    _opportunities, tasks = world
    user = request.getfixturevalue(persona)

    visible = task_labels(tasks, access.visible_tasks(user))

    assert visible == VISIBLE_TASKS.get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_work_on_task(request, world, persona):
    _opportunities, tasks = world
    user = request.getfixturevalue(persona)

    workable = {
        label for label, task in tasks.items() if access.can_work_on_task(user, task)
    }

    assert workable == VISIBLE_TASKS.get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_checks(request, persona):
    user = request.getfixturevalue(persona)
    can_register, can_assign, can_see_team, can_see_own = ROLE_CHECKS[persona]

    assert access.can_register(user) is can_register
    assert access.can_assign(user) is can_assign
    assert access.can_see_team_observatory(user) is can_see_team
    assert access.can_see_own_observatory(user) is can_see_own


def test_partner_never_sees_other_firm_or_salesperson(world, partner_a_user):
    opportunities, tasks = world

    visible = labels(opportunities, access.visible_opportunities(partner_a_user))
    visible_tasks = task_labels(tasks, access.visible_tasks(partner_a_user))

    assert "partner_b" not in visible
    assert "sales" not in visible
    assert "other_sales" not in visible
    assert not access.can_view_opportunity(partner_a_user, opportunities["partner_b"])
    assert not access.can_follow_up(partner_a_user, opportunities["partner_b"])
    assert "follow_up:partner_b" not in visible_tasks
    assert "follow_up:sales" not in visible_tasks
    assert not access.can_work_on_task(partner_a_user, tasks["follow_up:partner_b"])
    assert not access.can_work_on_task(partner_a_user, tasks["follow_up:sales"])


def test_partner_staff_share_their_firm_work(world, partner_a):
    opportunities, tasks = world
    colleague = factories.make_user("paula", "partner", partner_firm=partner_a)

    visible = labels(opportunities, access.visible_opportunities(colleague))

    assert visible == {"partner_a"}
    assert access.can_work_on_task(colleague, tasks["follow_up:partner_a"])


def test_partner_role_without_firm_sees_nothing(world):
    opportunities, tasks = world
    loose = factories.make_user("pedro", "partner")

    visible = labels(opportunities, access.visible_opportunities(loose))
    visible_tasks = task_labels(tasks, access.visible_tasks(loose))

    assert visible == set()
    assert visible_tasks == set()


def test_firm_staff_without_partner_role_see_nothing(world, partner_a):
    opportunities, tasks = world
    no_role = factories.make_user("pilar", partner_firm=partner_a)

    visible = labels(opportunities, access.visible_opportunities(no_role))

    assert visible == set()
    assert not access.can_follow_up(no_role, opportunities["partner_a"])
    assert not access.can_work_on_task(no_role, tasks["follow_up:partner_a"])


def test_deactivated_salesperson_loses_access(world, salesperson):
    opportunities, tasks = world
    salesperson.is_active = False
    salesperson.save()

    visible = labels(opportunities, access.visible_opportunities(salesperson))
    visible_tasks = task_labels(tasks, access.visible_tasks(salesperson))

    assert visible == set()
    assert visible_tasks == set()
    assert not access.can_follow_up(salesperson, opportunities["sales"])
    assert not access.can_work_on_task(salesperson, tasks["follow_up:sales"])


def test_completed_task_cannot_be_worked_on(world, coordinator):
    opportunities, _tasks = world
    done = opportunities["sales"].tasks.get(form_key="assign_owner")

    assert not access.can_work_on_task(coordinator, done)


def test_superuser_sees_everything(world):
    opportunities, _tasks = world
    root = factories.make_user("root", is_superuser=True)

    visible = labels(opportunities, access.visible_opportunities(root))

    assert visible == OPPORTUNITIES
    assert access.can_see_team_observatory(root)
