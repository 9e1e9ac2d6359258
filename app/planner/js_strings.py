"""UI strings the planner pages' scripts show, translated per request (see citizen/js_strings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.common.map_strings import map_strings

STRINGS = {
    "networkError": _l("Could not reach the server. Check your connection and try again."),
    "serverError": _l("Something went wrong. Please try again."),
    "saving": _l("Saving…"),
    "mapLabel": _l("Map showing where the pin is."),
    "templateApplied": _l("The answer template was put into the answer fields."),
    "noTemplate": _l("There is no template for this status yet."),
    # The session ended meanwhile (workspace-sign-in.js, api-forms.js): a link to sign in
    # again that comes back, and what is kept meanwhile.
    "signIn": _l("Sign in"),
    "formKept": _l("What you typed is kept in this tab until you are back."),
    "formRestored": _l(
        "What you typed before signing in again is back in the fields. Check it and send it again."
    ),
}


def js_strings() -> dict[str, str]:
    """The strings in the request's language."""
    return {**map_strings(), **{key: str(value) for key, value in STRINGS.items()}}
