"""URL templates for the browser scripts, built from the app's URL map.

In the spirit of uMap's `utils.py::_urls_for_js`: no script and no view writes an API path by
hand. Each rule's variables become `{name}` placeholders, whatever their converter
(`/api/ideas/<int:idea_id>` and `/api/ideas/<id:idea_id>` both give `/api/ideas/{idea_id}`),
behind the app's script root, so the app also works mounted under a prefix (`SCRIPT_NAME`).
`urlFor(name, params)` in `static/js/lib/settings.js` fills the placeholders in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from flask import current_app, has_request_context, request

# One rule variable, as werkzeug's rule parser reads it: `<name>`, `<int:name>`,
# `<any(a, b):name>`, `<string(length=2):name>`, or a custom converter such as `<id:name>`.
_VARIABLE = re.compile(
    r"""
    <
    (?:
        [a-zA-Z_][a-zA-Z0-9_]*      # converter name
        (?:\(.*?\))?                # converter arguments
        :
    )?
    (?P<name>[a-zA-Z_][a-zA-Z0-9_]*)
    >
    """,
    re.VERBOSE,
)

# Characters werkzeug leaves unquoted in a rule's static parts when it builds a URL.
_SAFE = "/!$&'()*+,:;=@"


def _script_root() -> str:
    """Where the app is mounted: the request's script root, else APPLICATION_ROOT (as url_for)."""
    root = request.script_root if has_request_context() else current_app.config["APPLICATION_ROOT"]
    return str(root or "").rstrip("/")


def url_template(endpoint: str) -> str:
    """The path of `endpoint` with each variable as `{name}`, e.g. `/api/ideas/{idea_id}`.

    An endpoint with several rules gets its first one, the one `url_for` tries first.
    Raises KeyError for an endpoint the app does not have.
    """
    rules = current_app.url_map.iter_rules(endpoint)
    rule = next(iter(rules))
    parts: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(rule.rule):
        parts.append(quote(rule.rule[position : match.start()], safe=_SAFE))
        parts.append("{" + match.group("name") + "}")
        position = match.end()
    parts.append(quote(rule.rule[position:], safe=_SAFE))
    return _script_root() + "".join(parts)


def url_templates(names: Mapping[str, str]) -> dict[str, str]:
    """Templates for the scripts, keyed by the names the scripts use: `{js_name: endpoint}`.

    The scripts get their own stable names rather than endpoint names, so renaming a view
    function does not break the browser code.
    """
    return {name: url_template(endpoint) for name, endpoint in names.items()}
