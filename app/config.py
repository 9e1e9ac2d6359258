"""Settings read from the environment, with safe defaults for a developer's machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"


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


def persistent_secret(path: Path) -> str:
    """A random key kept in `path`, made once: every worker process and restart shares it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip()


def load_config() -> dict[str, object]:
    """Return the app's configuration as a dict for `app.config.update`."""
    return {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/umecom"
        ),
        # Without SECRET_KEY, a key made once under var/ is shared by all workers on this
        # machine; set SECRET_KEY when several machines serve the app.
        "SECRET_KEY": os.environ.get("SECRET_KEY")
        or persistent_secret(
            Path(os.environ.get("SECRET_KEY_FILE", PROJECT_DIR / "var/secret_key"))
        ),
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": _int("MAX_BODY_BYTES", 64 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": False,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ("sv", "en"),
        "TILE_URL": os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": os.environ.get(
            "TILE_ATTRIBUTION",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        ),
        # Above this many pins in view, the map gets server-side grid clusters, not every pin.
        "MAP_PIN_LIMIT": _int("MAP_PIN_LIMIT", 2000),
        "AREA_FILE": os.environ.get("AREA_FILE", str(DATA_DIR / "umea_kommun.geojson")),
        "PLACES_FILE": os.environ.get("PLACES_FILE", str(DATA_DIR / "umea_places.csv")),
        # How many reverse proxies (load balancers) stand in front: their X-Forwarded-For is
        # trusted, so rate limits count the citizen's address, not the proxy's.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "IDEA_CREATE_LIMIT": os.environ.get("IDEA_CREATE_LIMIT", "20 per hour;5 per minute"),
        "SUPPORT_LIMIT": os.environ.get("SUPPORT_LIMIT", "120 per hour"),
    }
