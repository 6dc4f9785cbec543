from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from oportuna.users.models import PartnerFirm
from oportuna.users.roles import Role

from .phases import CLOSED_PHASES


def owner_candidates():
    """Return (salespeople, partner firms), each with `open_count` set."""
    open_filter = ~Q(owned_opportunities__phase__in=CLOSED_PHASES) & Q(
        owned_opportunities__isnull=False
    )
    salespeople = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SALESPERSON)
        .annotate(
            open_count=Count("owned_opportunities", filter=open_filter, distinct=True)
        )
        .order_by("last_name", "first_name", "username")
    )
    partner_filter = ~Q(opportunities__phase__in=CLOSED_PHASES) & Q(
        opportunities__isnull=False
    )
    partners = (
        PartnerFirm.objects.filter(is_active=True)
        .annotate(
            open_count=Count("opportunities", filter=partner_filter, distinct=True)
        )
        .order_by("name")
    )
    return list(salespeople), list(partners)


def opportunity_detail(queryset, pk):
    return (
        queryset.select_related(
            "account",
            "account__nature",
            "source",
            "importance",
            "size",
            "purchase_window",
            "probability",
            "owner",
            "owner_partner",
            "registered_by",
            "lost_reason",
        )
        .prefetch_related("departments", "contacts")
        .get(pk=pk)
    )
