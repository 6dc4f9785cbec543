"""Anticipated domain failures: a code inside, a translated sentence outside.

Services raise `DomainError` with a code from `MESSAGES`. Views and forms
show `error.message`, translated into the language active when it is read,
and attach it to `error.field` when there is one.
"""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "not_allowed": _("You are not allowed to do this."),
    "phase_change_not_allowed": _(
        "The phase cannot change from “%(current)s” to “%(new)s”. "
        "Choose one of: %(allowed)s."
    ),
    "latent_needs_action": _(
        "The opportunity stays Latent until its first follow-up action is "
        "logged. Add an action: the phase then moves to “2 Pre-offer”."
    ),
    "offer_not_sent": _(
        "Only an opportunity in “5 Offer sent” can be closed as won, and this "
        "one is in “%(phase)s”. Log the offer as sent first."
    ),
    "opportunity_closed": _(
        "This opportunity is closed (%(phase)s), so it can no longer be changed."
    ),
    "task_not_open": _(
        "This task is no longer open: someone completed it already. Reload the page."
    ),
    "not_assigned_yet": _(
        "This opportunity has no owner yet: assign it from the coordinator's task."
    ),
    "owner_required": _("Choose a salesperson or a partner firm."),
    "owner_ambiguous": _("Choose either a salesperson or a partner firm, not both."),
    "owner_not_salesperson": _("%(user)s is not an active salesperson."),
    "partner_inactive": _("The partner firm %(partner)s is not active."),
    "lost_reason_required": _("Choose why the opportunity was lost."),
    "account_required": _("Enter the account's name or choose an existing account."),
    "planned_end_before_start": _("The planned end must be after the planned start."),
    "actual_end_before_start": _("The actual end must be after the actual start."),
    "actual_end_needs_start": _(
        "Enter the actual start too: an action cannot end before it started."
    ),
    "planned_date_out_of_range": _(
        "Enter a planned date between the year %(earliest)s and the year %(latest)s."
    ),
    "planned_start_required": _(
        "Enter the planned start, or the actual start for an action that has "
        "already taken place."
    ),
    "done_in_future": _(
        "A done action has already taken place: its actual dates cannot be in "
        "the future. Correct the date, or set the state to proposed or in "
        "progress."
    ),
    "amount_in_other_currencies": _(
        "Some requested products are priced in %(currencies)s, so their prices "
        "cannot be added up in %(currency)s. Enter the order amount in "
        "%(currency)s."
    ),
    "amount_not_positive": _("Enter an order amount greater than zero."),
    "amount_required": _(
        "Enter the order amount: the requested products have no prices to add up."
    ),
    "process_not_running": _(
        "The process of this opportunity is not waiting for this step. Reload the page."
    ),
}


class DomainError(Exception):
    def __init__(self, code, *, field=None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def message(self):
        """The translated sentence, in the language active when it is read.

        Parameters may be lazy translations, or lists of them, which are
        joined only now so that one message never mixes two languages.
        """
        template = str(MESSAGES[self.code])
        if not self.params:
            return template
        return template % {name: _render(value) for name, value in self.params.items()}

    def __str__(self):
        return self.message


def _render(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def add_to_form(form, error: DomainError):
    """Attach a DomainError to the field it names, or to the whole form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
