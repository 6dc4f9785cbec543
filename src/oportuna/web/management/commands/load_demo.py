"""Load demo users, catalogue and opportunities; running it again adds nothing."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from oportuna.accounts.models import Account, AccountKind
from oportuna.catalog.models import (
    ActionType,
    Department,
    Importance,
    Nature,
    Probability,
    Product,
    PurchaseWindow,
    Size,
    Source,
)
from oportuna.opportunities import services
from oportuna.opportunities.models import ActionState, Opportunity
from oportuna.processes.models import HumanTask, TaskStatus
from oportuna.users.models import PartnerFirm, User
from oportuna.users.roles import Role

DEMO_PASSWORD = "oportuna-demo"

# username, first name, last name, roles, partner firm name, language
DEMO_USERS = [
    ("rita", "Rita", "Registro", [Role.REGISTRAR], None, "es"),
    ("carlos", "Carlos", "Coordinador", [Role.COORDINATOR], None, "es"),
    ("sofia", "Sofía", "Ventas", [Role.SALESPERSON], None, "es"),
    ("samuel", "Samuel", "Sales", [Role.SALESPERSON], None, "en"),
    ("pablo", "Pablo", "Norte", [Role.PARTNER], "Distribuciones Norte S.L.", "es"),
    ("paula", "Paula", "Sur", [Role.PARTNER], "Soluciones Sur S.A.", "es"),
    ("ada", "Ada", "Procesos", [Role.PROCESS_ADMIN], None, "es"),
]

PRODUCTS = [
    ("crm-licence", "Licencia CRM (usuario/año)", "Software", Decimal("480.00")),
    ("implementation", "Implantación y formación", "Services", Decimal("3500.00")),
    ("support-premium", "Soporte premium anual", "Services", Decimal("1200.00")),
    ("bpm-workshop", "Taller de modelado BPMN", "Services", Decimal("900.00")),
]

ACCOUNTS = [
    ("Consultoría Pérez S.L.", "B12345678", "commercial", AccountKind.CLIENT, "Madrid"),
    (
        "Ayuntamiento de Villanueva",
        "P2800000J",
        "public_administration",
        AccountKind.PROSPECT,
        "Villanueva",
    ),
    ("Colegio San Isidro", "R2800001A", "education", AccountKind.PROSPECT, "Toledo"),
]


class Command(BaseCommand):
    help = "Load demo data: users of every role, products, accounts, opportunities."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Address the server will answer on, printed with the log-ins.",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            users = self._users()
            self._products()
            self._accounts()
            self._opportunities(users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is loaded. Log in at {options['url']} as:")
        )
        self.stdout.write(f"  admin (administrator), password {DEMO_PASSWORD}")
        for username, first, _last, roles, firm, _lang in DEMO_USERS:
            role_names = ", ".join(role.value for role in roles)
            where = f" of {firm}" if firm else ""
            self.stdout.write(
                f"  {username} ({first}: {role_names}{where}), password {DEMO_PASSWORD}"
            )

    def _users(self):
        users = {}
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        for username, first, last, roles, firm_name, language in DEMO_USERS:
            firm = None
            if firm_name:
                firm, _ = PartnerFirm.objects.get_or_create(name=firm_name)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "partner_firm": firm,
                    "language": language,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=roles))
            users[username] = user
        return users

    def _products(self):
        for code, name, series, price in PRODUCTS:
            Product.objects.get_or_create(
                code=code,
                defaults={"name": name, "series": series, "unit_price": price},
            )

    def _accounts(self):
        for name, tax_id, nature, kind, city in ACCOUNTS:
            if not Account.objects.filter(tax_id=tax_id).exists():
                Account.objects.create(
                    name=name,
                    tax_id=tax_id,
                    nature=Nature.objects.get(code=nature),
                    kind=kind,
                    city=city,
                    country="España",
                )

    def _opportunities(self, users):
        if Opportunity.objects.filter(external_ref__startswith="demo:").exists():
            return
        record = {
            "source": Source.objects.get(code="account_call"),
            "importance": Importance.objects.get(code="important"),
            "size": Size.objects.get(code="medium"),
            "purchase_window": PurchaseWindow.objects.get(code="within_6_months"),
            "probability": Probability.objects.get(code="good"),
            "currency": "EUR",
        }
        licence = Product.objects.get(code="crm-licence")
        setup = Product.objects.get(code="implementation")
        plans = [
            (
                "CRM para el equipo comercial",
                "Consultoría Pérez S.L.",
                [(licence, 12), (setup, 1)],
                "sofia",
            ),
            (
                "Gestión de expedientes municipales",
                "Ayuntamiento de Villanueva",
                [(setup, 1)],
                "pablo",
            ),
            ("Plataforma de matrícula", "Colegio San Isidro", [(licence, 5)], None),
        ]
        now = timezone.now()
        for number, (name, account_name, products, owner) in enumerate(plans, start=1):
            opportunity = services.register_opportunity(
                registered_by=users["rita"],
                record={**record, "name": name, "budget": Decimal("20000")},
                account=Account.objects.get(name=account_name),
                departments=Department.objects.filter(code__in=["management", "it"]),
                products=products,
                contact_names=["María López"],
            )
            Opportunity.objects.filter(pk=opportunity.pk).update(
                external_ref=f"demo:{number}"
            )
            if owner is None:
                continue
            task = HumanTask.objects.get(
                opportunity=opportunity, form_key="assign_owner", status=TaskStatus.OPEN
            )
            owner_user = users[owner]
            if owner_user.partner_firm_id:
                services.assign_owner(
                    task, actor=users["carlos"], partner=owner_user.partner_firm
                )
            else:
                services.assign_owner(
                    task, actor=users["carlos"], salesperson=owner_user
                )
            services.add_action(
                opportunity,
                actor=owner_user,
                action_type=ActionType.objects.get(code="call"),
                subject="Llamada de presentación",
                planned_start=now - timedelta(days=2),
                planned_end=now - timedelta(days=2) + timedelta(minutes=30),
                state=ActionState.DONE,
                cost=Decimal("15.00"),
            )
            services.add_action(
                opportunity,
                actor=owner_user,
                action_type=ActionType.objects.get(code="demo"),
                subject="Demostración del producto",
                planned_start=now + timedelta(days=3),
                planned_end=now + timedelta(days=3, hours=2),
                state=ActionState.PROPOSED,
                cost=Decimal("120.00"),
            )
