"""The inbox merges the user's tasks from each condition, newest first."""

from datetime import timedelta

import pytest
from django.utils import timezone

import factories
from oportuna import access
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.processes.selectors import InboxTasks, open_task_count
from oportuna.users.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_who_sells(registrar):
    """A coordinator who is also a salesperson, with tasks of both kinds."""
    user = factories.make_user("celia", Role.COORDINATOR, Role.SALESPERSON)
    for number in range(4):
        opportunity = factories.register(registrar, name=f"Propia {number}")
        factories.assign(opportunity, user, salesperson=user)
    for number in range(3):
        factories.register(registrar, name=f"Sin asignar {number}")
    # Spread the creation times so that the two kinds interleave.
    base = timezone.now()
    for offset, task in enumerate(HumanTask.objects.order_by("pk")):
        HumanTask.objects.filter(pk=task.pk).update(
            created_at=base - timedelta(minutes=offset * 7 % 11)
        )
    return user


def test_inbox_lists_every_open_task_newest_first(coordinator_who_sells):
    expected = list(
        HumanTask.objects.filter(status=TaskStatus.OPEN).order_by("-created_at", "-id")
    )

    tasks = InboxTasks(coordinator_who_sells)[0:100]

    assert [task.pk for task in tasks] == [task.pk for task in expected]
    assert len(tasks) == 7


def test_inbox_pages_do_not_overlap(coordinator_who_sells):
    inbox = InboxTasks(coordinator_who_sells)

    first, second = inbox[0:4], inbox[4:8]

    assert len(first) == 4
    assert len(second) == 3
    assert not {task.pk for task in first} & {task.pk for task in second}


def test_inbox_count_matches_visible_tasks(coordinator_who_sells):
    assert open_task_count(coordinator_who_sells) == 7
    assert (
        open_task_count(coordinator_who_sells)
        == access.visible_tasks(coordinator_who_sells).count()
    )


def test_inbox_is_empty_without_roles(outsider, latent_opportunity):
    inbox = InboxTasks(outsider)

    assert len(inbox) == 0
    assert inbox[0:25] == []
