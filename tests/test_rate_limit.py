"""Creating pins is rate limited per client with a JSON 429."""

from tests.conftest import Api, count_pins, pin_feature


def test_too_many_pins_get_429(make_app, app):
    limited = make_app(RATELIMIT_ENABLED=True, IDEA_CREATE_LIMIT="2 per minute")
    api = Api(limited.test_client())
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    response = api.post("/api/ideas", pin_feature())
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert count_pins(app) == 2


def test_behind_a_proxy_each_citizen_has_own_limit(make_app, app):
    limited = make_app(RATELIMIT_ENABLED=True, IDEA_CREATE_LIMIT="1 per minute", PROXY_COUNT=1)
    api = Api(limited.test_client())
    first = {"X-Forwarded-For": "198.51.100.7"}
    second = {"X-Forwarded-For": "203.0.113.9"}
    assert api.post("/api/ideas", pin_feature(), headers=first).status_code == 201
    assert api.post("/api/ideas", pin_feature(), headers=first).status_code == 429
    assert api.post("/api/ideas", pin_feature(), headers=second).status_code == 201
