from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oportuna import access
from oportuna.accounts.models import Account
from oportuna.errors import DomainError, add_to_form
from oportuna.web.http import require

from .. import services
from ..forms import RegistrationForm, RequestedProductFormSet
from ..phases import Phase


@login_required
def opportunity_list(request):
    opportunities = access.visible_opportunities(request.user).select_related(
        "account", "owner", "owner_partner"
    )
    phase = request.GET.get("phase")
    if phase and phase.isdigit():
        opportunities = opportunities.filter(phase=int(phase))
    query = request.GET.get("q", "").strip()
    if query:
        opportunities = opportunities.filter(
            name__icontains=query
        ) | opportunities.filter(account__name__icontains=query)
    page = Paginator(opportunities, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/list.html",
        {"page": page, "phases": Phase.choices, "phase": phase, "query": query},
    )


@login_required
def register(request):
    require(access.can_register(request.user))
    form = RegistrationForm(request.POST or None, request.FILES or None)
    products = RequestedProductFormSet(request.POST or None, prefix="products")
    if request.method == "POST" and form.is_valid() and products.is_valid():
        opportunity = _register(request, form, products)
        if opportunity is not None:
            messages.success(
                request,
                _(
                    "Opportunity %(reference)s registered: the coordinator will assign it."
                )
                % {"reference": opportunity.reference},
            )
            return redirect("opportunity-detail", pk=opportunity.pk)
    return render(
        request, "opportunities/register.html", {"form": form, "products": products}
    )


def _register(request, form, products):
    data = form.cleaned_data
    account = None
    if data["account"]:
        account = Account.objects.filter(pk=data["account"]).first()
        if account is not None and account.name != data["account_name"]:
            # The user chose a suggestion and then edited the name.
            account = None
    try:
        return services.register_opportunity(
            registered_by=request.user,
            record=data,
            account=account,
            account_name=data["account_name"],
            account_fields=form.account_fields(),
            departments=data["departments"],
            products=[
                (row["product"], row["quantity"])
                for row in products.cleaned_data
                if row.get("product")
            ],
            contact_names=data["contact_names"],
            documents=data["documents"],
        )
    except DomainError as error:
        add_to_form(form, error)
        return None
