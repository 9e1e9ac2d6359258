"""The links a facilitator hands out: join link (and its QR code) and the secret link.

The pages behind them are the workshop pages' (`/w/<code>` joins, `/workshops/<id>/facilitate`
reads the key from the URL fragment, which browsers never send to a server or a log).
"""

from __future__ import annotations

import segno
from flask import request

JOIN_PATH = "w/{code}"
FACILITATOR_PATH = "workshops/{id}/facilitate#key={key}"


def join_url(code: str) -> str:
    """The join link, absolute (it goes into a QR code)."""
    return request.url_root + JOIN_PATH.format(code=code)


def facilitator_url(workshop_id: int, key: str) -> str:
    """The secret facilitator link: the key rides in the fragment."""
    return request.url_root + FACILITATOR_PATH.format(id=workshop_id, key=key)


def join_block(code: str, joins_open: bool) -> dict[str, str | bool]:
    """What members see to let others in: code, link, QR code, and whether joins are open."""
    url = join_url(code)
    return {"code": code, "url": url, "qr_svg": qr_svg(url), "open": joins_open}


def qr_svg(url: str) -> str:
    """A QR code of `url` as an inline SVG, made here (segno): no third party sees the link."""
    return str(segno.make(url, error="m").svg_inline(scale=4, title=url))
