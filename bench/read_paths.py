"""Time the read paths (inbox, lists, observatories) at a large volume.

Run from the checkout:  .venv/bin/python bench/read_paths.py [OPPORTUNITIES]
It fills a fresh SQLite database in a temporary OPORTUNA_HOME (or the
database of DATABASE_URL, which should be empty) with OPPORTUNITIES
opportunities (default 100,000) spread over 20 salespeople, each with its
mirrored follow-up task and its action summaries, plus ten follow-up
actions per opportunity for the first salesperson's observatory. Rows are
bulk-inserted, not made through the services, because only the reads are
timed. The database is analysed before the first request. Each page is
requested 20 times through Django's test client; the
median and the slowest time are printed in milliseconds.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("OPORTUNA_HOME", tempfile.mkdtemp(prefix="oportuna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oportuna.settings.local")
os.environ.setdefault("OPORTUNA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from oportuna.accounts.models import Account  # noqa: E402
from oportuna.catalog.models import ActionType  # noqa: E402
from oportuna.opportunities.models import FollowUpAction, Opportunity  # noqa: E402
from oportuna.opportunities.phases import Phase  # noqa: E402
from oportuna.processes.models import HumanTask, ProcessInstance  # noqa: E402
from oportuna.processes.services import active_diagram  # noqa: E402
from oportuna.users.models import User  # noqa: E402

SALESPEOPLE = 20
ACTIONS_FOR_FIRST_OWNER = 10
BATCH = 5000


def make_users():
    coordinator = User.objects.create_user("bench-coordinator", password="bench")
    coordinator.groups.add(Group.objects.get(name="coordinator"))
    owners = []
    for number in range(SALESPEOPLE):
        owner = User.objects.create_user(f"bench-owner-{number}", password="bench")
        owner.groups.add(Group.objects.get(name="salesperson"))
        owners.append(owner)
    return coordinator, owners


def fill(count, owners):
    diagram = active_diagram()
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench account {number}", match_key=f"benchaccount{number}")
        for number in range(1000)
    )
    phases = [Phase.LATENT, Phase.PRE_OFFER, Phase.PREPARING_OFFER, Phase.OFFER_SENT]
    now = timezone.now()
    call = ActionType.objects.get(code="call")
    for start in range(0, count, BATCH):
        with transaction.atomic():
            opportunities = Opportunity.objects.bulk_create(
                Opportunity(
                    name=f"Bench {number}",
                    account=accounts[number % len(accounts)],
                    owner=owners[number % len(owners)],
                    phase=phases[number % len(phases)],
                    registered_at=now - timedelta(minutes=number),
                    actions_proposed=number % 3,
                    actions_in_progress=number % 2,
                    actions_done=number % 5,
                    total_cost=Decimal(number % 400),
                    next_due_at=now + timedelta(hours=number % 100),
                )
                for number in range(start, min(start + BATCH, count))
            )
            instances = ProcessInstance.objects.bulk_create(
                ProcessInstance(diagram=diagram, opportunity=opportunity, state="{}")
                for opportunity in opportunities
            )
            HumanTask.objects.bulk_create(
                HumanTask(
                    instance=instance,
                    opportunity=instance.opportunity,
                    task_id=uuid.uuid4(),
                    bpmn_id="TP_77",
                    name="Acciones de Seguimiento de OV",
                    form_key="follow_up",
                    code="TP.77",
                    lane="Responsable OV",
                    role="owner",
                    assignee=instance.opportunity.owner,
                    created_at=instance.opportunity.registered_at,
                )
                for instance in instances
            )
            FollowUpAction.objects.bulk_create(
                FollowUpAction(
                    opportunity=opportunity,
                    action_type=call,
                    subject=f"Call {index}",
                    planned_start=now + timedelta(days=index),
                    cost=Decimal("12.50"),
                    performed_by=owners[0],
                )
                for opportunity in opportunities
                if opportunity.owner_id == owners[0].pk
                for index in range(ACTIONS_FOR_FIRST_OWNER)
            )


def time_page(client, url, repeat=20):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), max(timings)


def main(count):
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    coordinator, owners = make_users()
    started = time.perf_counter()
    fill(count, owners)
    print(f"filled {count} opportunities in {time.perf_counter() - started:.0f} s")
    # A running database has planner statistics (PostgreSQL's autovacuum
    # gathers them); a freshly filled one does not until it is analysed.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"follow-up actions: {FollowUpAction.objects.count()}")

    owner_client, coordinator_client = Client(), Client()
    owner_client.force_login(owners[0])
    coordinator_client.force_login(coordinator)
    pages = [
        ("owner inbox, first page", owner_client, "/"),
        ("owner's observatory, first page", owner_client, "/observatory/mine/"),
        (
            "opportunity list (coordinator), first page",
            coordinator_client,
            "/opportunities/",
        ),
        ("opportunity list, page 500", coordinator_client, "/opportunities/?page=500"),
        ("team observatory, first page", coordinator_client, "/observatory/team/"),
    ]
    print(
        f"| page ({count:,} opportunities, {connection.vendor}) | median ms | max ms |"
    )
    print("| --- | ---: | ---: |")
    for label, client, url in pages:
        median, slowest = time_page(client, url)
        print(f"| {label} | {median:.0f} | {slowest:.0f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
