"""Redirect targets taken from a client: only paths of this site, never another host."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# A path on this site: starts with one "/", then no whitespace, control characters or "\".
# Browsers drop tabs and line breaks and read "\" as "/", so "/\t/evil" and "/\evil" mean
# "//evil", another host.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f\\]*")


def safe_local_target(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, else `default`."""
    if not target or not _LOCAL_PATH.fullmatch(target):
        return default
    decoded = unquote(target)
    if decoded.startswith(("//", "/\\")) or not _LOCAL_PATH.fullmatch(decoded.split("?")[0]):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
