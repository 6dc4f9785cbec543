from .matching import normalize_account_name
from .models import Account


def suggest_accounts(query, *, limit=8):
    """Return accounts whose name matches `query`, best matches first.

    Matching ignores accents, case, spacing and legal-form suffixes, so
    "consultoria perez" finds "Consultoría Pérez, S.L.".
    """
    key = normalize_account_name(query)
    if len(key) < 2:
        return []
    starts = list(
        Account.objects.filter(match_key__startswith=key).order_by("name")[:limit]
    )
    if len(starts) >= limit:
        return starts
    contains = Account.objects.filter(match_key__contains=key).exclude(
        pk__in=[account.pk for account in starts]
    )
    return starts + list(contains.order_by("name")[: limit - len(starts)])
