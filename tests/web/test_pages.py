"""Every page and endpoint, requested by every persona."""

import pytest
from django.urls import reverse

import factories
from oportuna.users.forms import time_zone_choices
from oportuna.users.models import User
from oportuna.users.roles import Role

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
]


@pytest.fixture
def world(request, registrar, coordinator, salesperson, partner_a):
    """One opportunity per state the pages care about."""
    latent = factories.register(registrar, name="Sin asignar")
    owned = factories.assign(
        factories.register(registrar, name="De Sergio"),
        coordinator,
        salesperson=salesperson,
    )
    partner_owned = factories.assign(
        factories.register(registrar, name="De Alfa"), coordinator, partner=partner_a
    )
    return {
        "latent": latent,
        "owned": owned,
        "partner_owned": partner_owned,
        "assign_task": factories.open_task(latent, "assign_owner"),
        "follow_up_task": factories.open_task(owned, "follow_up"),
        "partner_task": factories.open_task(partner_owned, "follow_up"),
    }


def client_for(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return client


# persona -> expected status for GET of a page; pages not listed for a
# persona expect the "default" entry.
PAGE_CASES = {
    "inbox": ({"default": 200}, lambda w: reverse("inbox")),
    "preferences": ({"default": 200}, lambda w: reverse("preferences")),
    "list": ({"default": 200}, lambda w: reverse("opportunity-list")),
    "register": (
        {"default": 403, "registrar": 200, "coordinator": 200},
        lambda w: reverse("opportunity-register"),
    ),
    "detail_owned": (
        {
            "default": 404,
            "registrar": 200,
            "coordinator": 200,
            "salesperson": 200,
            "process_admin": 200,
        },
        lambda w: reverse("opportunity-detail", args=[w["owned"].pk]),
    ),
    "detail_partner": (
        {
            "default": 404,
            "registrar": 200,
            "coordinator": 200,
            "partner_a_user": 200,
            "process_admin": 200,
        },
        lambda w: reverse("opportunity-detail", args=[w["partner_owned"].pk]),
    ),
    "assign": (
        {"default": 404, "registrar": 403, "coordinator": 200, "process_admin": 403},
        lambda w: reverse("assign-owner", args=[w["assign_task"].task_id]),
    ),
    "follow_up": (
        {
            "default": 404,
            "registrar": 302,
            "coordinator": 302,
            "process_admin": 302,
            "salesperson": 200,
        },
        lambda w: reverse("follow-up", args=[w["follow_up_task"].task_id]),
    ),
    "follow_up_partner": (
        {
            "default": 404,
            "registrar": 302,
            "coordinator": 302,
            "process_admin": 302,
            "partner_a_user": 200,
        },
        lambda w: reverse("follow-up", args=[w["partner_task"].task_id]),
    ),
    "action_new": (
        {
            "default": 404,
            "registrar": 403,
            "coordinator": 403,
            "process_admin": 403,
            "salesperson": 200,
        },
        lambda w: reverse("action-new", args=[w["owned"].pk]),
    ),
    "my_observatory": (
        {
            "default": 403,
            "salesperson": 200,
            "other_salesperson": 200,
            "partner_a_user": 200,
            "partner_b_user": 200,
        },
        lambda w: reverse("observatory-mine"),
    ),
    "team_observatory": (
        {"default": 403, "coordinator": 200},
        lambda w: reverse("observatory-team"),
    ),
    "account_suggest": (
        {"default": 403, "registrar": 200, "coordinator": 200},
        lambda w: reverse("account-suggest") + "?account_name=cuenta",
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGE_CASES))
def test_page_access(client, request, world, persona, page):
    expected, url_for = PAGE_CASES[page]
    client = client_for(client, request, persona)

    response = client.get(url_for(world))

    assert response.status_code == expected.get(persona, expected["default"])


@pytest.mark.parametrize("page", sorted(PAGE_CASES))
def test_anonymous_is_sent_to_login(client, world, page):
    _expected, url_for = PAGE_CASES[page]

    response = client.get(url_for(world))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("opportunity-phase", "post"),
        ("opportunity-publish", "post"),
        ("opportunity-won", "post"),
        ("opportunity-lost", "post"),
    ],
)
@pytest.mark.parametrize("persona", ["other_salesperson", "partner_b_user", "outsider"])
def test_others_cannot_change_an_opportunity(
    client, request, world, name, method, persona
):
    client = client_for(client, request, persona)
    opportunity = world["owned"]

    response = getattr(client, method)(
        reverse(name, args=[opportunity.pk]), {"phase": 4}
    )

    opportunity.refresh_from_db()
    assert response.status_code == 404
    assert opportunity.phase == 1
    assert opportunity.publications.count() == 0


def test_partner_lists_only_own_firm(client, world, partner_a_user, partner_b_user):
    client.force_login(partner_b_user)

    response = client.get(reverse("opportunity-list"))
    inbox = client.get(reverse("inbox"))

    assert "De Alfa" not in response.content.decode()
    assert "De Sergio" not in response.content.decode()
    assert world["partner_owned"].reference not in inbox.content.decode()


def test_partner_sees_own_task_in_inbox(client, world, partner_a_user):
    client.force_login(partner_a_user)

    response = client.get(reverse("inbox"))

    assert world["partner_owned"].reference in response.content.decode()


def test_inbox_query_count_does_not_grow(
    client, registrar, coordinator, django_assert_max_num_queries
):
    for number in range(15):
        factories.register(registrar, name=f"Oportunidad {number}")
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("inbox"))

    assert response.status_code == 200
    assert response.content.decode().count("Asignar Responsable de OV") == 15


def test_opportunity_list_query_count(
    client, registrar, coordinator, django_assert_max_num_queries
):
    for number in range(15):
        factories.register(registrar, name=f"Oportunidad {number}")
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("opportunity-list"))

    assert response.status_code == 200


def test_preferences_change_language_and_time_zone(client, salesperson):
    client.force_login(salesperson)

    response = client.post(
        reverse("preferences"),
        {
            "first_name": "Sergio",
            "last_name": "Sanz",
            "email": "sergio@example.com",
            "language": "en",
            "time_zone": "America/Mexico_City",
        },
    )

    salesperson.refresh_from_db()
    assert response.status_code == 302
    assert salesperson.language == "en"
    assert salesperson.time_zone == "America/Mexico_City"


def test_preferences_reject_unknown_time_zone(client, salesperson):
    client.force_login(salesperson)

    response = client.post(
        reverse("preferences"),
        {
            "first_name": "S",
            "last_name": "S",
            "email": "",
            "language": "es",
            "time_zone": "Mars/Olympus",
        },
    )

    salesperson.refresh_from_db()
    assert response.status_code == 200
    assert salesperson.time_zone == "Europe/Madrid"
    assert "time_zone" in response.context["form"].errors


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("salesperson", True), ("registrar", False), ("coordinator", False)],
)
def test_detail_task_link_for_workers(client, request, world, persona, shown):
    client = client_for(client, request, persona)
    task = world["follow_up_task"]

    response = client.get(reverse("opportunity-detail", args=[world["owned"].pk]))

    assert (
        reverse("task-detail", args=[task.task_id]) in response.content.decode()
    ) is shown


def test_team_observatory_groups_each_owner_once(client, registrar, coordinator):
    owners = [
        factories.make_user(
            f"owner{number}", Role.SALESPERSON, first_name="Ana", last_name="García"
        )
        for number in range(3)
    ]
    for number in range(9):
        opportunity = factories.register(registrar, name=f"Oportunidad {number}")
        factories.assign(opportunity, coordinator, salesperson=owners[number % 3])
    client.force_login(coordinator)

    response = client.get(reverse("observatory-team"))

    groups = response.context["groups"]
    assert len(groups) == 3
    assert [len(group["opportunities"]) for group in groups] == [3, 3, 3]
    assert all(group["totals"]["opportunities"] == 3 for group in groups)


@pytest.mark.parametrize("persona", ["registrar", "coordinator", "process_admin"])
def test_owner_actions_partial_refused_to_viewers(client, request, world, persona):
    client = client_for(client, request, persona)

    response = client.get(
        reverse("action-list", args=[world["owned"].pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 403


def test_admin_cannot_delete_follow_up_action(client, world, salesperson):
    action = factories.log_action(world["owned"], salesperson)
    admin_user = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:opportunities_followupaction_delete", args=[action.pk]),
        {"post": "yes"},
    )

    world["owned"].refresh_from_db()
    assert response.status_code == 403
    assert world["owned"].actions_proposed == 1


def test_inactive_partner_firm_loses_access(client, world, partner_a, partner_a_user):
    partner_a.is_active = False
    partner_a.save()
    client.force_login(partner_a_user)

    response = client.get(
        reverse("opportunity-detail", args=[world["partner_owned"].pk])
    )
    inbox = client.get(reverse("inbox"))

    assert response.status_code == 404
    assert world["partner_owned"].reference not in inbox.content.decode()


def test_coordinator_hands_opportunity_over(
    client, world, coordinator, other_salesperson
):
    client.force_login(coordinator)

    page = client.get(reverse("opportunity-detail", args=[world["owned"].pk]))
    response = client.post(
        reverse("opportunity-reassign", args=[world["owned"].pk]),
        {"owner": f"user:{other_salesperson.pk}"},
    )

    world["owned"].refresh_from_db()
    assert "reassign-form" in page.content.decode()
    assert response.status_code == 302
    assert world["owned"].owner == other_salesperson


@pytest.mark.parametrize(
    ("persona", "status"),
    [("salesperson", 403), ("registrar", 403), ("other_salesperson", 404)],
)
def test_others_cannot_hand_over(
    client, request, world, other_salesperson, persona, status
):
    client = client_for(client, request, persona)

    response = client.post(
        reverse("opportunity-reassign", args=[world["owned"].pk]),
        {"owner": f"user:{other_salesperson.pk}"},
    )

    world["owned"].refresh_from_db()
    assert response.status_code == status
    assert world["owned"].owner.username == "sergio"


def test_time_zones_grouped_by_region():
    groups = dict(time_zone_choices())

    assert ("Europe/Madrid", "Europe/Madrid") in groups["Europe"]
    assert ("America/Mexico_City", "America/Mexico City") in groups["America"]
    assert "US" not in groups
