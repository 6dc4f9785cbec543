"""Log lines carry the ids an operator follows one case by."""

import json
import logging

from oportuna.log_format import ContextFormatter, JsonFormatter


def make_record(**extra):
    record = logging.LogRecord(
        "oportuna.test", logging.INFO, __file__, 1, "Started %s", ("process",), None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_text_line_ends_with_ids():
    line = ContextFormatter("%(levelname)s %(message)s").format(
        make_record(opportunity_id=7, process_instance_id=3)
    )

    assert line == "INFO Started process opportunity_id=7 process_instance_id=3"


def test_text_line_without_ids_is_unchanged():
    line = ContextFormatter("%(levelname)s %(message)s").format(make_record())

    assert line == "INFO Started process"


def test_json_line_has_message_and_ids():
    entry = json.loads(JsonFormatter().format(make_record(opportunity_id=7)))

    assert entry["message"] == "Started process"
    assert entry["level"] == "INFO"
    assert entry["opportunity_id"] == 7
    assert "process_instance_id" not in entry
