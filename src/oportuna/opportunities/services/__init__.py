"""Every change to an opportunity and its process.

Each public function runs in one database transaction: the domain change,
its audit rows and the engine step commit together or not at all.
"""

from .actions import add_action, update_action
from .assignment import assign_owner, reassign_owner
from .closing import close_lost, close_won
from .documents import attach_document
from .phases import change_phase
from .publishing import publish_to_observatory
from .registration import register_opportunity

__all__ = [
    "add_action",
    "assign_owner",
    "attach_document",
    "change_phase",
    "close_lost",
    "close_won",
    "publish_to_observatory",
    "reassign_owner",
    "register_opportunity",
    "update_action",
]
