"""Helpers shared by the views of every app."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from oportuna import access
from oportuna.opportunities.models import Opportunity
from oportuna.opportunities.selectors import opportunity_detail


def get_visible_opportunity(request, pk):
    """Return the opportunity if the user may see it; 404 otherwise.

    A 404 rather than a 403, so nobody learns which opportunities exist.
    """
    queryset = access.visible_opportunities(request.user)
    try:
        return opportunity_detail(queryset, pk)
    except Opportunity.DoesNotExist:
        get_object_or_404(queryset, pk=pk)
        raise


def require(condition):
    if not condition:
        raise PermissionDenied
