"""Sessions read as Flask reads them, with no signer built when no cookie came (app/sessions.py)."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from app.sessions import CookieSessions


def _count_signers(app: Flask, monkeypatch) -> list[int]:
    """Count the serializers Flask's session interface builds."""
    built: list[int] = []
    build = SecureCookieSessionInterface.get_signing_serializer

    def counting(self, app: Flask):
        built.append(1)
        return build(self, app)

    monkeypatch.setattr(SecureCookieSessionInterface, "get_signing_serializer", counting)
    return built


def test_the_app_uses_the_cookie_sessions(app: Flask):
    assert isinstance(app.session_interface, CookieSessions)


def test_a_request_without_a_cookie_gets_an_empty_session_and_no_signer(app: Flask, monkeypatch):
    built = _count_signers(app, monkeypatch)
    with app.test_request_context("/api/categories"):
        opened = app.session_interface.open_session(app, app.request_class({}))
    assert opened is not None
    assert dict(opened) == {}
    assert not opened.modified
    assert built == []


def test_a_signed_cookie_is_read_and_a_forged_one_is_not(app: Flask, monkeypatch):
    interface = app.session_interface
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert signer is not None
    good = signer.dumps({"lang": "en"})
    built = _count_signers(app, monkeypatch)
    name = interface.get_cookie_name(app)
    for cookie, expected in ((good, {"lang": "en"}), (good[:-2] + "xx", {})):
        with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
            assert dict(interface.open_session(app, request)) == expected
    assert len(built) == 4  # per cookie: the context's own opening, and this one


def test_the_session_the_page_writes_is_read_back(app: Flask):
    client = app.test_client()
    assert client.get("/").status_code == 200
    with client.session_transaction() as stored:
        assert len(stored["csrf_token"]) == 40
