"""Settings for running on a developer's machine (`make run`)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.get_bool("OPORTUNA_DEBUG", True)
# A fixed key is acceptable only because this module is never used in
# production; production.py refuses to start without a real one.
SECRET_KEY = env.get("OPORTUNA_SECRET_KEY", "local-development-only-not-secret")
VAR_DIR.mkdir(parents=True, exist_ok=True)
