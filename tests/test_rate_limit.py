"""Creating pins is rate limited per client with a JSON 429."""

from app import create_app
from tests.conftest import Api, count_pins, pin_feature


def test_too_many_pins_get_429(test_database_url, app):
    limited = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": test_database_url,
            "RATELIMIT_ENABLED": True,
            "IDEA_CREATE_LIMIT": "2 per minute",
        }
    )
    api = Api(limited.test_client())
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    response = api.post("/api/ideas", pin_feature())
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert count_pins(app) == 2
