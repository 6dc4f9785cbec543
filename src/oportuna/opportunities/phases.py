"""The seven phases of an opportunity and the changes allowed between them.

The milestones bound the phases: the first follow-up action ends Latent,
sending the offer starts Offer sent, and the three closing phases end the
opportunity for good.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.IntegerChoices):
    LATENT = 1, _("1 Latent")
    PRE_OFFER = 2, _("2 Pre-offer")
    DROPPED_PRE_OFFER = 3, _("3 Dropped before an offer")
    PREPARING_OFFER = 4, _("4 Preparing the offer")
    OFFER_SENT = 5, _("5 Offer sent")
    OFFER_ACCEPTED = 6, _("6 Offer accepted")
    OFFER_DECLINED = 7, _("7 Offer declined")


CLOSED_PHASES = frozenset(
    {Phase.DROPPED_PRE_OFFER, Phase.OFFER_ACCEPTED, Phase.OFFER_DECLINED}
)
OPEN_PHASES = frozenset(set(Phase) - CLOSED_PHASES)

# Phase -> phases it may move to. Latent means "no follow-up action yet", so
# it is left only by logging the first action (to Pre-offer) or by dropping
# the lead; no phase returns to Latent, and the closed phases are final.
ALLOWED_CHANGES = {
    Phase.LATENT: {Phase.PRE_OFFER, Phase.DROPPED_PRE_OFFER},
    Phase.PRE_OFFER: {
        Phase.PREPARING_OFFER,
        Phase.OFFER_SENT,
        Phase.DROPPED_PRE_OFFER,
    },
    Phase.PREPARING_OFFER: {
        Phase.PRE_OFFER,
        Phase.OFFER_SENT,
        Phase.DROPPED_PRE_OFFER,
    },
    Phase.OFFER_SENT: {
        Phase.PREPARING_OFFER,
        Phase.OFFER_ACCEPTED,
        Phase.OFFER_DECLINED,
    },
    Phase.DROPPED_PRE_OFFER: set(),
    Phase.OFFER_ACCEPTED: set(),
    Phase.OFFER_DECLINED: set(),
}

# Phases the owner may pick by hand. The closed phases are reached only by
# closing the opportunity as won or lost, which also ends its process.
MANUAL_PHASES = (Phase.PRE_OFFER, Phase.PREPARING_OFFER, Phase.OFFER_SENT)


def is_allowed_change(current: Phase, new: Phase) -> bool:
    return new in ALLOWED_CHANGES[Phase(current)]


def lost_phase_for(current: Phase) -> Phase:
    """Return the closing phase of a lost opportunity currently in `current`."""
    if current == Phase.OFFER_SENT:
        return Phase.OFFER_DECLINED
    return Phase.DROPPED_PRE_OFFER
