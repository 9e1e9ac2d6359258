"""The roles matrix: every route behind a login answers 401 to nobody (JSON `login_required` on
the API, the sign-in page on pages), 403 to a role below its own, and 2xx to its role and up.

The routes come from the URL map (every view wrapped by `role_required`), so a staff route
added later without a row here fails the completeness test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.planning.enums import ROLES
from tests.conftest import Api, create_user, pin_feature


@dataclass(frozen=True)
class Call:
    """One request to a staff route: `{pin}` is a fresh pin, `{word}` a listed word's id."""

    method: str
    rule: str
    role: str  # the least role that may
    path: str
    body: Any = None
    ok: int = 200


DONE = {"ids": ["{pin}"], "status": "done", "answer": "Klart."}
# Each role imports the same pin: again, as asked (not refused as imported already).
IMPORTED = {
    "type": "FeatureCollection",
    "source": "paper",
    "import_duplicates": True,
    "features": [pin_feature()],
}
CALLS = [
    Call("PATCH", "/api/ideas/<id:idea_id>", "planner", "/api/ideas/{pin}", {"status": "planned"}),
    Call("POST", "/api/ideas/answer", "planner", "/api/ideas/answer", DONE),
    Call("POST", "/api/ideas/import", "planner", "/api/ideas/import", IMPORTED, 201),
    Call("GET", "/api/ideas/<id:idea_id>/history", "planner", "/api/ideas/{pin}/history"),
    Call("GET", "/api/ideas/<id:idea_id>/notes", "planner", "/api/ideas/{pin}/notes"),
    Call("POST", "/api/ideas/<id:idea_id>/notes", "planner", "/api/ideas/{pin}/notes",
         {"body": "En anteckning."}, 201),
    Call("GET", "/api/answer-templates", "planner", "/api/answer-templates"),
    Call("PUT", "/api/answer-templates/<status>", "planner", "/api/answer-templates/done",
         {"answer": "Klart."}),
    Call("DELETE", "/api/answer-templates/<status>", "planner", "/api/answer-templates/done",
         ok=204),
    Call("POST", "/api/ideas/<id:idea_id>/redact", "moderator", "/api/ideas/{pin}/redact",
         {"title": "Ny rubrik"}),
    Call("GET", "/api/moderation/queue", "moderator", "/api/moderation/queue"),
    Call("GET", "/api/moderation/words", "moderator", "/api/moderation/words"),
    Call("POST", "/api/moderation/words", "moderator", "/api/moderation/words",
         {"word": "{role}"}, 201),
    Call("DELETE", "/api/moderation/words/<id:word_id>", "moderator",
         "/api/moderation/words/{word}", ok=204),
    Call("GET", "/planner", "planner", "/planner"),
    Call("GET", "/planner/moderation", "moderator", "/planner/moderation"),
    Call("GET", "/planner/moderation/words", "moderator", "/planner/moderation/words"),
    Call("GET", "/planner/ideas/<id:idea_id>", "planner", "/planner/ideas/{pin}"),
    Call("GET", "/planner/templates", "planner", "/planner/templates"),
    Call("GET", "/planner/workshops", "planner", "/planner/workshops"),
    Call("GET", "/planner/report", "planner", "/planner/report"),
    Call("GET", "/api/users", "admin", "/api/users"),
    Call("PATCH", "/api/users/<id:user_id>", "admin", "/api/users/{user}", {"role": "moderator"}),
    Call("GET", "/planner/users", "admin", "/planner/users"),
]  # fmt: skip
ROLE_NAMES_SV = {"planner": "planerare", "moderator": "moderator", "admin": "administratör"}
# The moderator's part of PATCH: changing the visibility.
VISIBILITY = Call(
    "PATCH",
    "/api/ideas/<id:idea_id>",
    "moderator",
    "/api/ideas/{pin}",
    {"visibility": "hidden", "reason": "Spam"},
)


def _fill(value: Any, pin: int, role: str) -> Any:
    """The call's body with `{pin}` as the pin's id and `{role}` as a word unique to the role."""
    if value == "{pin}":
        return pin
    if value == "{role}":
        return f"ord {role}"
    if isinstance(value, dict):
        return {key: _fill(item, pin, role) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, pin, role) for item in value]
    return value


def _send(api: Api, call: Call, pin: int, role: str, moderator: Api):
    path = call.path.replace("{pin}", str(pin))
    if "{user}" in path:  # another account to change
        path = path.replace("{user}", str(create_user(api.client.application, f"{role}@x.se")))
    if "{word}" in path:  # a word of the list to remove, added by a moderator
        added = moderator.post("/api/moderation/words", {"word": f"bort {role}"})
        path = path.replace("{word}", str(added.get_json()["id"]))
    headers = {"X-CSRFToken": api.token}
    return api.client.open(
        path, method=call.method, json=_fill(call.body, pin, role), headers=headers
    )


def test_every_staff_route_is_in_the_matrix(app):
    protected = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_role", None)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert protected == {(call.rule, call.method) for call in CALLS}
    for call in CALLS:
        rule = next(
            r for r in app.url_map.iter_rules() if r.rule == call.rule and call.method in r.methods
        )
        assert app.view_functions[rule.endpoint].required_role == call.role, call.rule


@pytest.mark.parametrize(
    "call", [*CALLS, VISIBILITY], ids=lambda c: f"{c.method} {c.rule} {c.role}"
)
def test_roles_matrix(app, api, staff, call):
    pin = api.post("/api/ideas", pin_feature()).get_json()["id"]
    moderator = staff("moderator")
    anonymous = _send(Api(app.test_client()), call, pin, "anonymous", moderator)
    assert anonymous.status_code == 401
    if call.rule.startswith("/api/"):
        assert anonymous.get_json()["error"] == {
            "code": "login_required",
            "message": "Logga in som planerare.",
            "field": None,
        }
    else:
        html = anonymous.get_data(as_text=True)
        assert 'action="/login"' in html and "Logga in för att se sidan." in html
        target = call.path.replace("{pin}", str(pin))
        assert f'name="next" type="hidden" value="{target}"' in html
    for role in ROLES:
        response = _send(staff(role), call, pin, role, moderator)
        allowed = list(ROLES).index(role) >= list(ROLES).index(call.role)
        if allowed:
            assert response.status_code == call.ok, (role, response.get_data(as_text=True)[:300])
            if call is VISIBILITY:  # shown again for the next role
                moderator.patch(f"/api/ideas/{pin}", {"visibility": "published"})
        else:
            assert response.status_code == 403, role
            if call.rule.startswith("/api/"):
                assert response.get_json()["error"] == {
                    "code": "forbidden",
                    "message": "Din roll tillåter inte det här; det kräver rollen "
                    f"{ROLE_NAMES_SV[call.role]}.",
                    "field": None,
                }
            else:
                assert "Inte tillåtet" in response.get_data(as_text=True)


def test_a_planner_may_not_even_try_a_visibility(api, staff):
    pin = api.post("/api/ideas", pin_feature()).get_json()["id"]
    for value in ("hidden", "nonsense", None):
        response = staff("planner").patch(f"/api/ideas/{pin}", {"visibility": value})
        assert response.status_code == 403, value


def test_published_pins_stay_public_without_a_login(api):
    pin = api.post("/api/ideas", pin_feature()).get_json()["id"]
    for path in ("/api/ideas", f"/api/ideas/{pin}", f"/ideas/{pin}", "/list", "/"):
        assert api.get(path).status_code == 200, path
