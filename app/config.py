"""Settings read from the environment, with safe defaults for a developer's machine.

Reading them has no side effects: nothing is written, nothing is connected.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
# The UI languages by code, each named in itself for the switch; the first is the default.
LANGUAGES = {"sv": "Svenska", "en": "English"}
SECRET_KEY_FILE = PROJECT_DIR / "var/secret_key"  # made by `make run` / `make test`


def default_database_url() -> str:
    """The private cluster that `scripts/db.sh` runs (the same URL as `db.sh url`)."""
    port = os.environ.get("PGPORT", "54329")
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/umecom"


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value else default


def _list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def read_secret_key() -> str | None:
    """SECRET_KEY, or the key kept in SECRET_KEY_FILE, which every gunicorn worker shares."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(os.environ.get("SECRET_KEY_FILE", SECRET_KEY_FILE))
    try:
        return path.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _trusted_hosts() -> list[str]:
    """Host names the app answers to; a request for any other gets a 400, never a redirect."""
    local = ["127.0.0.1", "localhost", "::1"]
    host = os.environ.get("HOST", "")
    if host and host not in ("0.0.0.0", "::"):
        local.append(host)
    return _list("TRUSTED_HOSTS", local)


def load_config() -> dict[str, object]:
    """Return the app's configuration as a dict for `app.config.update`."""
    secure = _bool("COOKIE_SECURE", False)
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(),
        # A read replica for public reads (views marked `@public_read`); unset: the primary.
        "DATABASE_READ_URL": os.environ.get("DATABASE_READ_URL") or None,
        # After a write, the same browser reads from the primary for this long (app/replica.py).
        "READ_YOUR_WRITES_S": float(os.environ.get("READ_YOUR_WRITES_S", "5")),
        # PostgreSQL ends what the app would otherwise leave hanging: a statement that runs
        # away, or a transaction whose client went quiet (it would hold locks and block
        # migrations until the process died).
        "DB_STATEMENT_TIMEOUT_MS": _int("DB_STATEMENT_TIMEOUT_MS", 30_000),
        "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": _int("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000),
        # A GeoJSON or CSV export is one statement from its first pin to its last (geo.rows's
        # pipelined rows), however slowly the client reads: a million pins are 520 MB.
        "EXPORT_STATEMENT_TIMEOUT_MS": _int("EXPORT_STATEMENT_TIMEOUT_MS", 600_000),
        "SECRET_KEY": read_secret_key(),
        "TRUSTED_HOSTS": _trusted_hosts(),
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "HSTS": secure,  # behind HTTPS, tell browsers to stay there
        "MAX_CONTENT_LENGTH": _int("MAX_BODY_BYTES", 64 * 1024),
        # Drawn shapes may have 5,000 points (about 40 bytes each as GeoJSON).
        "MAX_SHAPE_BODY_BYTES": _int("MAX_SHAPE_BODY_BYTES", 512 * 1024),
        # A bulk answer carries up to BULK_ANSWER_MAX_IDS ids (a whole cluster or district).
        "BULK_ANSWER_MAX_BYTES": _int("BULK_ANSWER_MAX_BYTES", 512 * 1024),
        # An import carries up to MAX_IMPORT_FEATURES pins (app/planning/imports.py): about
        # 1 KB each, a title and a few sentences, as GeoJSON.
        "IMPORT_MAX_BYTES": _int("IMPORT_MAX_BYTES", 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": False,
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": next(iter(LANGUAGES)),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "TILE_URL": os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": os.environ.get(
            "TILE_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        ),
        # Above this many pins in view, the map gets server-side grid clusters, not every pin.
        # The browser clusters the pins it gets itself (Leaflet.markercluster), so a citizen
        # sees clusters either way; what the limit sets is the weight of a busy view. At 2,000
        # a z14 view of 1,880 concerns was 424 KB and 16.7 ms in process, as cells 56 KB and
        # 5.6 ms; bench.http's cold views, 8 rounds a side taking turns on 1.2M pins: 380
        # against 419 a second, p95 90 against 78 ms.
        "MAP_PIN_LIMIT": _int("MAP_PIN_LIMIT", 500),
        # How many map views each process computes at once; the others wait their turn, in
        # order, for up to MAP_VIEW_WAIT_S, then answer 503 (app/map_gates.py). Views counted
        # straight from the pins (date, district or id filters) have their own, smaller gate.
        "MAP_VIEWS_AT_ONCE": _int("MAP_VIEWS_AT_ONCE", 2),
        "MAP_STRAIGHT_VIEWS_AT_ONCE": _int("MAP_STRAIGHT_VIEWS_AT_ONCE", 1),
        "MAP_VIEW_WAIT_S": float(os.environ.get("MAP_VIEW_WAIT_S", "10")),
        # How many writes each process handles at once, so that views queue behind fewer of
        # them; the others wait their turn, in order, for up to WRITE_WAIT_S, then answer 503
        # (app/write_turns.py).
        "WRITES_AT_ONCE": _int("WRITES_AT_ONCE", 6),
        "WRITE_WAIT_S": float(os.environ.get("WRITE_WAIT_S", "10")),
        # How many DBSCAN children each process runs at once (app/map_gates.py): one uses
        # both cores and ~470 MB at a million pins. Others wait up to CLUSTER_JOB_WAIT_S.
        "CLUSTER_JOBS_AT_ONCE": _int("CLUSTER_JOBS_AT_ONCE", 1),
        "CLUSTER_JOB_WAIT_S": float(os.environ.get("CLUSTER_JOB_WAIT_S", "30")),
        # How often each process folds the map's delta log into its cells (0: never).
        "MAP_FOLD_INTERVAL_S": float(os.environ.get("MAP_FOLD_INTERVAL_S", "1")),
        "AREA_FILE": os.environ.get("AREA_FILE", str(DATA_DIR / "umea_kommun.geojson")),
        "PLACES_FILE": os.environ.get("PLACES_FILE", str(DATA_DIR / "umea_places.csv")),
        # How many reverse proxies (load balancers) stand in front: their X-Forwarded-For is
        # trusted, so rate limits count the citizen's address, not the proxy's.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Counters live in the app's own PostgreSQL, so every worker and machine shares them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "app-database://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # A storage hiccup must not turn into errors for citizens: the request goes through.
        "RATELIMIT_SWALLOW_ERRORS": _bool("RATELIMIT_SWALLOW_ERRORS", True),
        # Per person (signed supporter id) first; per address a ceiling a classroom fits under.
        "IDEA_CREATE_LIMIT": os.environ.get("IDEA_CREATE_LIMIT", "20 per hour;5 per minute"),
        "IDEA_CREATE_ADDRESS_LIMIT": os.environ.get(
            "IDEA_CREATE_ADDRESS_LIMIT", "300 per hour;60 per minute"
        ),
        "SUPPORT_LIMIT": os.environ.get("SUPPORT_LIMIT", "120 per hour;30 per minute"),
        "SUPPORT_ADDRESS_LIMIT": os.environ.get(
            "SUPPORT_ADDRESS_LIMIT", "1000 per hour;120 per minute"
        ),
        "SUPPORT_PIN_ADDRESS_LIMIT": os.environ.get("SUPPORT_PIN_ADDRESS_LIMIT", "40 per hour"),
        "WORKSHOP_CREATE_LIMIT": os.environ.get(
            "WORKSHOP_CREATE_LIMIT", "10 per hour;3 per minute"
        ),
        "WORKSHOP_CREATE_ADDRESS_LIMIT": os.environ.get(
            "WORKSHOP_CREATE_ADDRESS_LIMIT", "100 per hour;20 per minute"
        ),
        # A class of 30 joins from one address within a minute; one person rarely needs 10.
        "WORKSHOP_JOIN_LIMIT": os.environ.get("WORKSHOP_JOIN_LIMIT", "60 per hour;10 per minute"),
        "WORKSHOP_JOIN_ADDRESS_LIMIT": os.environ.get(
            "WORKSHOP_JOIN_ADDRESS_LIMIT", "1000 per hour;120 per minute"
        ),
        # Event streams: a comment this often keeps proxies from closing an idle stream, and
        # each process refreshes its streams' presence as often.
        "WORKSHOP_HEARTBEAT_SECONDS": float(os.environ.get("WORKSHOP_HEARTBEAT_SECONDS", "15")),
        # How long a browser waits before reconnecting a dropped stream (SSE `retry:`).
        "WORKSHOP_RETRY_MS": _int("WORKSHOP_RETRY_MS", 3000),
        # A process with no open stream for this long closes its LISTEN connection.
        "WORKSHOP_LISTENER_IDLE_SECONDS": float(
            os.environ.get("WORKSHOP_LISTENER_IDLE_SECONDS", "300")
        ),
        # Drawing in workshops, per address (a room shares one): what one client can store.
        # Twenty people drawing and moving shapes fast made 270 a minute, and used up 3,000 an
        # hour in ten minutes of a session (a review, 5 December): far above that.
        "WORKSHOP_DRAW_ADDRESS_LIMIT": os.environ.get(
            "WORKSHOP_DRAW_ADDRESS_LIMIT", "30000 per hour;1200 per minute"
        ),
        # Reports of pins: per person, with a ceiling per address.
        "FLAG_LIMIT": os.environ.get("FLAG_LIMIT", "30 per hour;10 per minute"),
        "FLAG_ADDRESS_LIMIT": os.environ.get("FLAG_ADDRESS_LIMIT", "300 per hour;60 per minute"),
        # Reports from this many different networks hold a pin until a moderator looks at it.
        "FLAG_HOLD_THRESHOLD": _int("FLAG_HOLD_THRESHOLD", 3),
        # Failed sign-ins (only failures count) per account and per address.
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        "LOGIN_ADDRESS_LIMIT": os.environ.get("LOGIN_ADDRESS_LIMIT", "50 per 15 minutes"),
        # A planner's session ends after this long without a request.
        "PLANNER_IDLE_MINUTES": _int("PLANNER_IDLE_MINUTES", 30),
        # Argon2 parameters, by the name of an argon2-cffi profile; hashes made with other
        # parameters are upgraded at the next sign-in.
        "ARGON2_PROFILE": os.environ.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY"),
    }
