from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from oportuna import access
from oportuna.web.http import require

from .selectors import suggest_accounts


@login_required
def suggest(request):
    require(access.can_register(request.user))
    query = request.GET.get("account_name", "")
    accounts = suggest_accounts(query)
    return render(
        request,
        "accounts/partials/suggestions.html",
        {"accounts": accounts, "query": query},
    )
