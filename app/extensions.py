"""Extension instances, bound to the app in `create_app`."""

from collections.abc import Callable

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()


def config_limit(key: str) -> Callable[[], str]:
    """A Flask-Limiter limit read from the app's config at request time (per app, per test)."""
    return lambda: str(current_app.config[key])


def select_locale() -> str:
    """Pick the UI language: ?lang=, then the `lang` cookie, then the browser's, then Swedish."""
    supported = ("sv", "en")
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return candidate
    return request.accept_languages.best_match(supported) or "sv"
