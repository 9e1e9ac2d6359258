"""Signing in under gunicorn with two workers: failures are throttled across both (counters in
PostgreSQL), and a session works, and ends, in either worker."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

from tests.conftest import CSRF_META, PASSWORD, create_user
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - a 303 is an answer here
        return None


def _browser() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)


def _status(browser, request) -> int:
    try:
        with browser.open(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _sign_in_form(browser, url: str, password: str) -> urllib.request.Request:
    """A filled-in sign-in form for anna@umea.se, with the CSRF token of this browser's page."""
    token = CSRF_META.search(browser.open(f"{url}/login").read().decode()).group(1)
    form = {"email": "anna@umea.se", "password": password, "csrf_token": token}
    data = urllib.parse.urlencode(form).encode()
    return urllib.request.Request(f"{url}/login", data=data, method="POST")


def _sign_in(browser, url: str, password: str) -> int:
    """One attempt on a new connection (so either worker may answer it)."""
    return _status(browser, _sign_in_form(browser, url, password))


def _anna_with_four_tries(test_database_url: str, app, tmp_path: Path):
    """Anna's account, and gunicorn (two workers) allowing four failed sign-ins a minute."""
    create_user(app, "anna@umea.se", "moderator")
    return start_gunicorn(
        test_database_url,
        tmp_path,
        RATELIMIT_ENABLED="1",
        LOGIN_ACCOUNT_LIMIT="4 per minute",
        LOGIN_ADDRESS_LIMIT="1000 per minute",
        ARGON2_PROFILE="CHEAPEST",
    )


def test_failed_sign_ins_are_throttled_across_workers(test_database_url: str, app, tmp_path: Path):
    url, process = _anna_with_four_tries(test_database_url, app, tmp_path)
    try:
        failures = [_sign_in(_browser(), url, "fel lösenord igen") for _ in range(10)]
        right_password = _sign_in(_browser(), url, PASSWORD)
    finally:
        stop_gunicorn(process)
    assert failures == [401] * 4 + [429] * 6
    assert right_password == 429  # the account waits, whichever worker is asked


def test_failures_sent_at_once_never_pass_the_limit(test_database_url: str, app, tmp_path: Path):
    """A failure is counted once its answer is ready, so guesses sent together used to be checked
    before any was counted: 100 at once had 16 checked against a limit of 5. Sign-ins naming
    one account now take turns, each checked once the one before has been counted."""
    url, process = _anna_with_four_tries(test_database_url, app, tmp_path)
    guesses = 24
    try:
        browsers = [_browser() for _ in range(guesses)]
        forms = [_sign_in_form(b, url, "fel lösenord igen") for b in browsers]
        together = Barrier(guesses)

        def guess(i: int) -> int:
            together.wait()
            return _status(browsers[i], forms[i])

        with ThreadPoolExecutor(guesses) as pool:
            answers = list(pool.map(guess, range(guesses)))
        right_password = _sign_in(_browser(), url, PASSWORD)
    finally:
        stop_gunicorn(process)
    assert sorted(answers) == [401] * 4 + [429] * (guesses - 4)
    assert right_password == 429


def test_a_session_holds_and_ends_in_every_worker(test_database_url: str, app, tmp_path: Path):
    create_user(app, "anna@umea.se", "moderator")
    url, process = start_gunicorn(test_database_url, tmp_path, ARGON2_PROFILE="CHEAPEST")
    try:
        browser = _browser()
        other_device = _browser()
        assert _sign_in(browser, url, PASSWORD) == 303
        assert _sign_in(other_device, url, PASSWORD) == 303
        queue = f"{url}/api/moderation/queue"
        assert {_status(browser, queue) for _ in range(12)} == {200}
        page = browser.open(f"{url}/planner/moderation").read().decode()
        token = CSRF_META.search(page).group(1)
        logout = urllib.request.Request(
            f"{url}/logout", data=urllib.parse.urlencode({"csrf_token": token}).encode()
        )
        assert _status(browser, logout) == 303
        assert {_status(browser, queue) for _ in range(6)} == {401}
        assert {_status(other_device, queue) for _ in range(6)} == {401}
    finally:
        stop_gunicorn(process)
