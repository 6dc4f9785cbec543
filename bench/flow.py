"""Time each step of the opportunity flow through the real services.

Run from the checkout:  .venv/bin/python bench/flow.py [COUNT]
It builds a fresh SQLite database in a temporary OPORTUNA_HOME (or uses
DATABASE_URL), walks COUNT opportunities through registration,
assignment, two actions, a publication and closing as won, and prints the
median and 95th percentile of each step in milliseconds, plus the size of
the stored process state.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("OPORTUNA_HOME", tempfile.mkdtemp(prefix="oportuna-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oportuna.settings.local")
os.environ.setdefault("OPORTUNA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from oportuna.catalog.models import ActionType, Product, Source  # noqa: E402
from oportuna.opportunities import services  # noqa: E402
from oportuna.opportunities.models import ActionState  # noqa: E402
from oportuna.processes.models import HumanTask, ProcessInstance  # noqa: E402
from oportuna.users.models import User  # noqa: E402


def user(username, role):
    person, _ = User.objects.get_or_create(username=username)
    person.groups.add(Group.objects.get(name=role))
    return person


def timed(results, step, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    results.setdefault(step, []).append((time.perf_counter() - start) * 1000)
    return value


def main(count):
    call_command("migrate", verbosity=0)
    registrar = user("bench-registrar", "registrar")
    coordinator = user("bench-coordinator", "coordinator")
    owner = user("bench-owner", "salesperson")
    product, _ = Product.objects.get_or_create(
        code="bench", defaults={"name": "Bench", "unit_price": Decimal("100")}
    )
    call, offer = (
        ActionType.objects.get(code="call"),
        ActionType.objects.get(code="send_offer"),
    )
    source = Source.objects.get(code="web_form")

    results = {}
    for number in range(count):
        opportunity = timed(
            results,
            "register",
            services.register_opportunity,
            registered_by=registrar,
            record={"name": f"Bench {number}", "source": source},
            account_name=f"Bench account {number % 50}",
            products=[(product, 3)],
        )
        task = HumanTask.objects.get(opportunity=opportunity, form_key="assign_owner")
        timed(
            results,
            "assign",
            services.assign_owner,
            task,
            actor=coordinator,
            salesperson=owner,
        )
        now = timezone.now()
        for step, action_type in (
            ("action (call)", call),
            ("action (send offer)", offer),
        ):
            timed(
                results,
                step,
                services.add_action,
                opportunity,
                actor=owner,
                action_type=action_type,
                subject=step,
                planned_start=now - timedelta(hours=1),
                state=ActionState.DONE,
                cost=Decimal("10"),
            )
        timed(
            results,
            "publish",
            services.publish_to_observatory,
            opportunity,
            actor=owner,
        )
        timed(results, "close won", services.close_won, opportunity, actor=owner)

    sizes = [len(instance.state) for instance in ProcessInstance.objects.all()]
    print(f"{count} opportunities on {django.db.connection.vendor}")
    print("| step | median ms | p95 ms |")
    print("| --- | ---: | ---: |")
    for step, values in results.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1] if len(values) > 1 else values[0]
        print(f"| {step} | {statistics.median(values):.1f} | {p95:.1f} |")
    print(f"stored process state, median characters: {statistics.median(sizes):.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
