"""Parser and serializer for Oportuna's diagrams (SpiffWorkflow flavour)."""

from copy import deepcopy
from datetime import date
from decimal import Decimal

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.serializer.default.task_spec import BoundaryEventConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.spiff.parser.event_parsers import SpiffBoundaryEventParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState


class RepeatingBoundaryEvent(BoundaryEvent):
    """A non-interrupting message or signal boundary event that re-arms.

    In SpiffWorkflow 3.2.0 such an event catches only its first message, so
    a button like “Publish to observatory” would work once. When this event
    fires while the activity it is attached to is still open, it adds a
    fresh waiting copy of itself beside the one that fired.

    NOTE: every firing adds tasks that the engine never prunes, so a stored
    instance grows by about 2 KB of JSON per publication. Nothing caps the
    number of presses yet.
    """

    def _on_ready_hook(self, my_task):
        super()._on_ready_hook(my_task)
        if self.cancel_activity or not isinstance(
            self.event_definition, MessageEventDefinition | SignalEventDefinition
        ):
            return
        split = my_task.parent
        activity = next(
            child
            for child in split.children
            if not isinstance(child.task_spec, BoundaryEvent)
        )
        if activity.has_state(TaskState.FINISHED_MASK):
            return
        fresh = split._add_child(self, TaskState.MAYBE)
        # A triggered task survives the split's pruning of MAYBE children.
        fresh.triggered = True
        self._predict(fresh)
        self._update(fresh)


class DiagramParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("boundaryEvent"): (SpiffBoundaryEventParser, RepeatingBoundaryEvent),
    }


def new_parser():
    """Return a parser that also checks each file against the BPMN schema."""
    return DiagramParser(validator=VALIDATOR)


def _serializer_config():
    config = deepcopy(SPIFF_CONFIG)
    config[RepeatingBoundaryEvent] = BoundaryEventConverter
    return config


def new_serializer():
    registry = BpmnWorkflowSerializer.configure(_serializer_config())
    # Form values are dates and decimals, which the stock registry rejects.
    registry.register(
        date,
        lambda value: {"value": value.isoformat()},
        lambda data: date.fromisoformat(data["value"]),
    )
    registry.register(
        Decimal,
        lambda value: {"value": str(value)},
        lambda data: Decimal(data["value"]),
    )
    return BpmnWorkflowSerializer(registry)
