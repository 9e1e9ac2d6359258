"""Walk every route of a running server with garbage, anonymously and signed in; count 5xx.

Usage (a server started as `make run` serves it, rate limits off for a fair walk):
    RATELIMIT_ENABLED=0 PORT=5077 make run &
    STAFF_PASSWORD=... .venv/bin/python -m scripts.hostile_walk \
        --base-url http://127.0.0.1:5077 --email admin@umea.se

Every rule of the URL map (but static files and event streams) gets garbage path segments
(too large integers, NUL, lone surrogates, direction marks, 3,000 characters, CR/LF...),
random garbage query values and, for writes, broken bodies. It prints how many requests were
sent and every answer of 500 or more, then exits 1 if there was one. `tests/test_no_5xx.py` does
the same in process inside `make test`; this one goes through gunicorn and its workers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys

import requests

from app import create_app

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
SEGMENTS = [
    "9223372036854775808", "-1", "0", "%00", "..%2f..%2fetc", "%ED%A0%80", "NaN", "1e999",
    "%E2%80%AE", "a" * 3000, "%0d%0aX:1", "1.5", "%27%22<b>", "%F0%9F%92%A9", "0x10", " 1", "１",
]  # fmt: skip
VALUES = [
    "", "NaN", "inf", "-1", "1e400", "9" * 400, "20,63,21,64", "21,64,20,63", "a,b,c,d", "%00",
    "%ED%A0%80", "1,2,3", ",", "2026-13-45", "<script>", "..", "0", "5000", "99999999999999999999",
    "20.26,63.82", "63.82,20.26",
]  # fmt: skip
KEYS = [
    "bbox", "zoom", "kind", "category", "status", "source", "district", "since", "until", "ids",
    "limit", "cursor", "eps", "min_points", "size", "crs", "metric", "layers", "download",
    "datetime", "q", "code", "next", "workshop", "f", "offset", "at", "title", "snapshot",
]  # fmt: skip
BODIES = [
    b'{"a":',
    b"null",
    json.dumps({"ids": [1, 2], "status": "done", "answer": "x", "title": "\ud800"}).encode(),
    b'{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,63]},"properties":{}}',
    b"x" * 70_000,
]


def session(base: str, email: str | None, password: str | None) -> requests.Session:
    """A browser-like session with a CSRF token; signed in when an email is given."""
    browser = requests.Session()
    token = CSRF_META.search(browser.get(base + "/login").text).group(1)  # type: ignore[union-attr]
    if email:
        form = {"email": email, "password": password, "csrf_token": token}
        answer = browser.post(base + "/login", data=form, allow_redirects=False)
        if answer.status_code != 303:
            sys.exit(f"signing in as {email} failed: {answer.status_code}")
        token = CSRF_META.search(browser.get(base + "/planner/templates").text).group(1)  # type: ignore[union-attr]
    browser.headers["X-CSRFToken"] = token
    return browser


def paths(rule: str) -> list[str]:
    """The rule with each garbage segment in every variable, and once with a plain id."""
    if "<" not in rule:
        return [rule]
    return [re.sub(r"<[^>]+>", s, rule) for s in [*SEGMENTS, "1"]]


def requests_for(rule, base: str, rnd: random.Random):  # type: ignore[no-untyped-def]
    """(method, url, body) for one rule: garbage paths x garbage queries x broken bodies."""
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        for path in paths(rule.rule):
            queries = [
                "&".join(f"{k}={rnd.choice(VALUES)}" for k in rnd.sample(KEYS, 4)) for _ in range(6)
            ]
            # Every key at once, twice: past the routes that need two (bbox and zoom, at and title).
            queries += ["&".join(f"{k}={rnd.choice(VALUES)}" for k in KEYS) for _ in range(2)]
            for query in [*queries, ""]:
                for body in [None] if method == "GET" else BODIES:
                    yield method, base + path + ("?" + query if query else ""), body


def status_of(browser: requests.Session, method: str, url: str, body: bytes | None) -> object:
    """The answer's status, or why there was none."""
    headers = {"Content-Type": "application/json"} if body else {}
    try:
        answer = browser.request(
            method, url, data=body, headers=headers, timeout=30, allow_redirects=False, stream=True
        )
        answer.close()
        return answer.status_code
    except requests.RequestException as error:
        return f"no answer: {error}"


def main() -> None:
    """Walk, print the failures, exit 1 on any."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--email", help="also walk signed in as this staff account")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rules = [
        r
        for r in create_app({"MAP_FOLD_INTERVAL_S": 0}).url_map.iter_rules()
        if not r.rule.startswith("/static") and "/events" not in r.rule
    ]
    rnd = random.Random(args.seed)
    sent, failures = 0, []
    for email in (None, args.email) if args.email else (None,):
        browser = session(args.base_url, email, os.environ.get("STAFF_PASSWORD"))
        for rule in rules:
            for method, url, body in requests_for(rule, args.base_url, rnd):
                status = status_of(browser, method, url, body)
                sent += 1
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{email or 'anonymous'} {method} {url[:160]}: {status}")
    print(f"{sent} requests, {len(failures)} answered 5xx or not at all")
    for failure in failures[:50]:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
