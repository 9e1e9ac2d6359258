"""Where an error page's "back" link leads: the place the person was, as far as it is known.

A bare "back to the map" left a citizen whose report was refused without the pin they were
reporting, and a planner whose report was refused without the filters they had chosen.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from flask import request, url_for
from flask_babel import gettext

# Forms on a pin's page whose refusal leads back to that pin.
PIN_FORMS = frozenset({"citizen.flag_from_page", "citizen.support_from_page"})
REPORT = "reports.report"


class BackLink(NamedTuple):
    """The link's address and its words."""

    url: str
    label: str


def back_link() -> BackLink:
    """The way back from this request's error page."""
    if request.endpoint in PIN_FORMS and request.view_args:
        target = url_for("citizen.idea_page", idea_id=request.view_args["idea_id"])
        return BackLink(target, gettext("Back to the pin"))
    if request.path.startswith("/planner"):
        target = url_for("planner.workspace")
        if request.endpoint == REPORT and request.query_string:
            # The workspace opens at the report's filters; its layer is the report's `layers`.
            pairs = parse_qsl(request.query_string.decode("utf-8", "replace"))
            renamed = [("layer" if name == "layers" else name, value) for name, value in pairs]
            target = f"{target}?{urlencode(renamed)}"
        return BackLink(target, gettext("Back to the workspace"))
    return BackLink(url_for("citizen.index"), gettext("Back to the map"))
