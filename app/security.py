"""The Content-Security-Policy: our own scripts and styles only, tiles from the configured host."""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_origin(tile_url: str) -> str | None:
    """The scheme and host of the tile URL template, or None when tiles are served by us."""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in tile_url:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> dict[str, str | list[str]]:
    """No inline scripts or styles; page settings travel in data- attributes.

    The one inline script is the base template's import map: Talisman adds a per-request nonce
    to `script-src` (`content_security_policy_nonce_in`), and only that element carries it.
    """
    images = ["'self'", "data:"]
    origin = tile_origin(tile_url)
    if origin:
        images.append(origin)
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
