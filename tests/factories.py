"""Plain rows for tests, and states reached through the real services.

The `make_*` functions create one row with sensible defaults. Everything
that has a process behind it (a registered opportunity, an assigned owner,
an offer sent) is reached by calling the services, so the tests build data
the way the product does.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth.models import Group
from django.utils import timezone

from oportuna.accounts.models import Account
from oportuna.catalog.models import ActionType, LostReason, Product, Source
from oportuna.opportunities import services
from oportuna.opportunities.models import ActionState, Opportunity
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.users.models import PartnerFirm, User

_sequence = count(1)

ASSIGN_FORM = "assign_owner"
FOLLOW_UP_FORM = "follow_up"


def make_user(username, *roles, partner_firm=None, **fields):
    """Create an active user in the groups of `roles` (Role members or codes)."""
    fields.setdefault("email", f"{username}@example.com")
    user = User.objects.create_user(
        username=username, password="not-a-secret", partner_firm=partner_firm, **fields
    )
    user.groups.set([Group.objects.get(name=str(role)) for role in roles])
    return user


def make_partner_firm(name=None, **fields):
    name = name or f"Distribuciones {next(_sequence)} S.L."
    return PartnerFirm.objects.create(name=name, **fields)


def make_account(name="Consultoría Pérez S.L.", **fields):
    return Account.objects.create(name=name, **fields)


def make_product(code=None, *, unit_price=Decimal("100.00"), **fields):
    code = code or f"product-{next(_sequence)}"
    fields.setdefault("name", code.replace("-", " ").capitalize())
    return Product.objects.create(code=code, unit_price=unit_price, **fields)


def make_opportunity(name="Renovación de licencias", **fields):
    """Create a bare opportunity row, with no process (for engine-level tests)."""
    if "account" not in fields:
        fields["account"] = make_account(f"Cuenta {next(_sequence)}")
    return Opportunity.objects.create(name=name, **fields)


def option(model, code):
    """Return the option a data migration shipped, such as a Source "web_form"."""
    return model.objects.get(code=code)


def open_task(opportunity, form_key):
    return HumanTask.objects.get(
        opportunity=opportunity, form_key=form_key, status=TaskStatus.OPEN
    )


def register(registrar, *, name="Renovación de licencias", account_name=None, **kwargs):
    """Register an opportunity through the service, so it starts Latent and unassigned."""
    record = {
        "name": name,
        "source": option(Source, "web_form"),
        **kwargs.pop("record", {}),
    }
    if account_name is not None:
        kwargs["account_name"] = account_name
    elif "account" not in kwargs:
        kwargs["account_name"] = f"Cuenta {next(_sequence)} S.L."
    return services.register_opportunity(
        registered_by=registrar, record=record, **kwargs
    )


def assign(opportunity, coordinator, *, salesperson=None, partner=None):
    """Complete the coordinator's task, putting an owner in charge."""
    task = open_task(opportunity, ASSIGN_FORM)
    return services.assign_owner(
        task, actor=coordinator, salesperson=salesperson, partner=partner
    )


def action_fields(type_code="call", **overrides):
    """Return the keyword arguments of a follow-up action planned for tomorrow."""
    fields = {
        "action_type": option(ActionType, type_code),
        "subject": f"Acción {next(_sequence)}",
        "planned_start": timezone.now() + timedelta(days=1),
        "state": ActionState.PROPOSED,
        "cost": Decimal("0"),
    }
    fields.update(overrides)
    return fields


def log_action(opportunity, actor, type_code="call", **overrides):
    return services.add_action(
        opportunity, actor=actor, **action_fields(type_code, **overrides)
    )


def send_offer(opportunity, actor):
    """Log a done “send offer” action, which moves the opportunity to Offer sent."""
    log_action(
        opportunity,
        actor,
        "send_offer",
        state=ActionState.DONE,
        planned_start=timezone.now() - timedelta(hours=1),
    )
    opportunity.refresh_from_db()
    return opportunity


def reach_offer_sent(registrar, coordinator, owner, **register_kwargs):
    """Register, assign to `owner`, log a call and send the offer."""
    opportunity = register(registrar, **register_kwargs)
    assign(opportunity, coordinator, salesperson=owner)
    log_action(
        opportunity,
        owner,
        "call",
        state=ActionState.DONE,
        planned_start=timezone.now() - timedelta(days=1),
    )
    return send_offer(opportunity, owner)


def lost_reason(code="price"):
    return option(LostReason, code)
