"""Log formatters that show the ids an operator follows one case by."""

import json
import logging

# Keys that services put in `extra`, in the order they are shown.
CONTEXT_KEYS = ("opportunity_id", "process_instance_id", "task_id", "outbox_id")


class ContextFormatter(logging.Formatter):
    """The usual text line, followed by the ids present on the record."""

    def format(self, record):
        line = super().format(record)
        context = " ".join(
            f"{key}={getattr(record, key)}"
            for key in CONTEXT_KEYS
            if hasattr(record, key)
        )
        return f"{line} {context}" if context else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors in production."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {key: getattr(record, key) for key in CONTEXT_KEYS if hasattr(record, key)}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
