import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from oportuna.imports.pipeline import REQUIRED_COLUMNS, ImportFileError, import_pipeline


class Command(BaseCommand):
    help = (
        "Import accounts, products, sales teams and opportunities from a "
        "directory laid out like the Maven Analytics CRM sample "
        f"({', '.join(REQUIRED_COLUMNS)}). Rows imported before are skipped, "
        "so the command can run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", help="Directory that contains the four CSV files."
        )

    def handle(self, *args, directory, verbosity, **options):
        progress = self.stdout if verbosity >= 1 else None
        try:
            with _quiet_engine_log(verbosity):
                report = import_pipeline(directory, stdout=progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines():
            self.stdout.write(line)


@contextmanager
def _quiet_engine_log(verbosity):
    """Hide the engine's two info lines per open deal below verbosity 2.

    They would bury the summary under thousands of lines on a terminal.
    """
    engine_logger = logging.getLogger("oportuna.processes")
    level = engine_logger.level
    if verbosity < 2:
        engine_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        engine_logger.setLevel(level)
