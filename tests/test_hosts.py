"""The Host header is never reflected: only TRUSTED_HOSTS are answered. HSTS behind HTTPS."""

import pytest


@pytest.mark.parametrize("path", ["/static//x", "/", "/api/ideas", "/lang/en?next=/list"])
def test_an_untrusted_host_gets_a_400_not_a_redirect(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "evil.example" not in response.get_data(as_text=True)


def test_routing_redirects_stay_on_the_trusted_host(client):
    response = client.get("/static//css/app.css", headers={"Host": "localhost"})
    assert response.status_code == 308
    assert response.headers["Location"] in (
        "http://localhost/static/css/app.css",
        "/static/css/app.css",
    )


def test_trusted_hosts_are_a_setting(make_app):
    app = make_app(TRUSTED_HOSTS=["kartan.umea.se"])
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "kartan.umea.se"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_hsts_behind_https_only(make_app):
    secure = make_app(HSTS=True, SESSION_COOKIE_SECURE=True).test_client()
    over_https = secure.get("/healthz", base_url="https://localhost")
    assert "max-age=" in over_https.headers["Strict-Transport-Security"]
    plain = make_app().test_client()
    assert (
        "Strict-Transport-Security"
        not in plain.get("/healthz", base_url="https://localhost").headers
    )
