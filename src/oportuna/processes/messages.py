"""Handlers for the messages that process instances throw.

A message no task of the same instance catches is written to the outbox.
If a handler is registered for its name, the handler runs in the same
transaction and the message is marked handled. Other messages wait in the
outbox for a delivery worker, such as webhooks to the supply process.
"""

from collections.abc import Callable

# Message name -> handler(opportunity, payload, *, actor).
HANDLERS: dict[str, Callable[..., object]] = {}


def handles(message_name):
    def register(function):
        HANDLERS[message_name] = function
        return function

    return register
