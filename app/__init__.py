"""Umecom Map: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from app import db, map_gates, query_args, replica, write_turns
from app.common.limits import TEXT_LIMITS
from app.config import load_config
from app.converters import IdConverter
from app.errors import keep_the_busy_retry_after, register_errorhandlers
from app.extensions import babel, csrf, limiter, select_locale
from app.ideas import pin_batches
from app.request import BoundedRequest
from app.security import content_security_policy, give_api_its_policy
from app.sessions import CookieSessions
from app.upkeep import register_upkeep
from app.workshops import live


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers, commands."""
    app = Flask(__name__, static_folder="../static", template_folder="../templates")
    app.config.update(load_config())
    if test_config:
        app.config.update(test_config)
    check_config(app)
    app.request_class = BoundedRequest
    app.session_interface = CookieSessions()
    app.url_map.converters["id"] = IdConverter
    register_proxy(app)
    register_extensions(app)
    register_hooks(app)
    register_template_context(app)
    register_blueprints(app)
    register_upkeep(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def check_config(app: Flask) -> None:
    """Refuse to start without what every worker must share."""
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set and var/secret_key does not exist: run `make run`, "
            "or set SECRET_KEY (the same on every machine)."
        )


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* from PROXY_COUNT proxies (none by default)."""
    count = int(app.config["PROXY_COUNT"])
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def register_hooks(app: Flask) -> None:
    """Headers every response needs, and the supporter cookie when one was issued."""
    from app.supporters import set_new_supporter_cookie

    @app.after_request
    def vary_on_language(response: Response) -> Response:
        # Most responses have no Vary yet: the header is written whole. Werkzeug parsed and
        # wrote it again for each name added: a map 304 took a median of 0.92 ms of the app's
        # CPU that way, 0.88 this way (in process, 3 runs of 3,000 each way, taking turns).
        if "Vary" in response.headers:
            response.vary.update(("Accept-Language", "Cookie"))
        else:
            response.headers["Vary"] = "Accept-Language, Cookie"
        return response

    @app.after_request
    def private_unless_said(response: Response) -> Response:
        # A response that says nothing of caching may be kept by a shared cache in front
        # (Varnish keeps one for 120 s when the request had no cookie): a participant's
        # workshop with its join code, a facilitator's audit, staff JSON, pages with a CSRF
        # token. Views whose answers are the same for everyone say so themselves (the map,
        # categories, places); everything else is for its caller only.
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        return response

    @app.after_request
    def send_supporter_cookie(response: Response) -> Response:
        set_new_supporter_cookie(response)
        return response


def register_extensions(app: Flask) -> None:
    """Bind security headers, the database, i18n, CSRF and rate limiting to the app.

    Talisman comes first: its before-request hook makes the per-request CSP nonce that the base
    template's import map carries, and a CSRF or rate-limit error raised by a later hook still
    renders a page that needs it.
    """
    from app import auth, ratelimit_storage  # noqa: F401  (registers the app-database:// storage)

    # One Talisman per app: it keeps its options on itself, so one shared by every app (the
    # tests build dozens) sent the policy of the app built last from all of them.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,
        strict_transport_security=bool(app.config["HSTS"]),
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        content_security_policy=content_security_policy(str(app.config["TILE_URL"])),
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    db.init_app(app)
    pin_batches.init_app(app)  # citizens' new pins, stored together when they come at once
    map_gates.init_app(app)  # how many map views each process computes at once
    replica.init_app(app)  # public reads to DATABASE_READ_URL, when set
    live.init_app(app)  # the workshops' event listener: nothing connects until a stream opens
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    app.after_request(keep_the_busy_retry_after)  # runs after the limiter's headers
    limiter.init_app(app)
    auth.init_app(app)  # Flask-Login, after CSRF: an expired session is checked after the token
    query_args.init_app(app)  # a query parameter with two values is refused, never guessed
    write_turns.init_app(app)  # after CSRF and limits: a refused write takes no turn


def register_template_context(app: Flask) -> None:
    """What every template may use besides Flask's own: input limits, an error's way back."""
    from app.back_links import back_link

    app.jinja_env.globals["back_link"] = back_link

    @app.context_processor
    def inject_limits() -> dict[str, Any]:
        return {"LIMITS": TEXT_LIMITS}


def register_blueprints(app: Flask) -> None:
    """Attach the citizen pages, the JSON API, OGC API – Features and the planners' reports."""
    from app.api import bp as api_bp
    from app.citizen import bp as citizen_bp
    from app.ogc import bp as ogc_bp
    from app.planner import bp as planner_bp
    from app.reports import bp as reports_bp
    from app.workshop import bp as workshop_bp

    app.register_blueprint(citizen_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ogc_bp)
    app.register_blueprint(planner_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(workshop_bp)
    give_api_its_policy(app, "api")


def register_commands(app: Flask) -> None:
    """Add the `flask` commands (districts, demo data, map upkeep, users)."""
    from app.cli import demo_cli, districts_cli, map_cli, users_cli

    app.cli.add_command(districts_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(map_cli)
    app.cli.add_command(users_cli)
