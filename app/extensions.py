"""Extension instances, bound to the app in `create_app`."""

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()


def select_locale() -> str:
    """The UI language: ?lang=, the `lang` cookie, the browser's, else the default.

    Outside a request (a command, a service called by a test) the default: a domain error's
    labels are written when it is raised, and raising one must not need a request.
    """
    supported = tuple(current_app.config["LANGUAGES"])
    if not has_request_context():
        return str(supported[0])
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return str(candidate)
    return request.accept_languages.best_match(supported) or supported[0]
