"""Planners importing pins in batches (goal 4 through POST /api/ideas/import), fresh after each."""

from __future__ import annotations

import json
import random
import time
from typing import Any
from urllib.parse import urlencode

from app.common.errors import Conflict
from app.db import get_engine, get_session
from app.planning.accounts import create_user
from bench import wire
from bench.clients import CSRF_META, Client, load_and_cpu, run_clients
from bench.map_writes import FRESH_ZOOM, NEW_PIN, WRITE_GOAL_PER_S, Freshness, Region, Writes
from bench.seeding import bench_app

PLANNER = ("bench-import@umea.se", "sju långa ord om älven")  # the bench's planner account


def create_planner(url: str) -> None:
    """The planner account the import clients sign in as (kept when the database is reused)."""
    app = bench_app(url)
    with app.app_context():
        session = get_session()
        try:
            create_user(session, *PLANNER, "planner", profile="CHEAPEST")
            session.commit()
        except Conflict:
            session.rollback()
        get_engine().dispose()


def signed_in_planner(base: str) -> Client:
    """A client signed in through /login, with the signed-in session's cookie and CSRF token."""
    client, jar = Client(base), dict[str, str]()

    def keep(headers: wire.Headers) -> None:
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            jar[name] = value
        client.cookie = "; ".join(f"{name}={value}" for name, value in jar.items())

    def token(data: bytes) -> str:
        match = CSRF_META.search(data.decode())
        assert match, "no CSRF token on the page"
        return match.group(1)

    status, data, headers = client.request("GET", "/login")
    keep(headers)
    form = {"email": PLANNER[0], "password": PLANNER[1], "csrf_token": token(data)}
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, headers = client.request("POST", "/login", urlencode(form).encode(), form_type)
    assert status == 303, f"sign-in answered {status}"
    keep(headers)
    status, data, headers = client.request("GET", "/planner")  # the new session's token
    assert status == 200, status
    keep(headers)
    client.token = token(data)
    return client


def imports(base: str, regions: list[Region], seconds: float, batch: int) -> dict[str, Any]:
    """Each region's planner POSTs batches of `batch` pins at its places for `seconds`.

    After every batch its planner reads its region's view: the total must have grown by
    exactly the pins the batch created (only that planner adds pins there).
    """
    clients = [signed_in_planner(base) for _ in regions]  # before the clock starts
    writes = Writes()

    def work(n: int, deadline: float) -> None:
        region, client, rng = regions[n], clients[n], random.Random(2000 + n)
        fresh = Freshness.start(client, region)
        mine: list[float] = []
        counts = {"created": 0, "refused": 0}
        while time.perf_counter() < deadline:
            features = [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": list(rng.choice(region.places))},
                    "properties": NEW_PIN,
                }
                for _ in range(batch)
            ]
            body = {
                "type": "FeatureCollection",
                "source": "import",
                # The same pin at the same places, batch after batch: imported again on purpose.
                "import_duplicates": True,
                "features": features,
            }
            status, data, ms = client.timed_post_json("/api/ideas/import", body)
            mine.append(ms)
            if status != 201:
                counts["refused"] += batch
                continue
            answer = json.loads(data)
            counts["created"] += answer["created"]
            fresh.added(answer["created"] - answer["held"])  # held pins are not on the map
            fresh.check(client, writes.misses)
        client.close()
        writes.add(counts, mine, fresh)

    elapsed = run_clients(len(regions), seconds, work)
    return {**writes.figures(elapsed), "batches": len(writes.post_ms)}


def report_imports(result: dict[str, Any], clients: int, batch: int) -> None:
    """Print the imported pins per second beside goal 4, and the freshness checks."""
    verdict = "met" if result["pins_per_s"] >= WRITE_GOAL_PER_S else "missed"
    print(
        f"\n5. {clients} planners POST /api/ideas/import, {batch} pins a batch, "
        f"{load_and_cpu()}:\n"
        f"   {result['created']:,} pins imported = {result['pins_per_s']:.0f} pins/s (goal ≥ "
        f"{WRITE_GOAL_PER_S:,.0f}/s: {verdict}); {result['batches']} batches, POST p50 / p95 "
        f"{result['post_p50']:.0f} / {result['post_p95']:.0f} ms; "
        f"{result['refused']} pins refused or failed\n"
        f"   freshness: {result['passed']} of {result['checks']} batches counted whole in the "
        f"very next view (zoom {FRESH_ZOOM}); {result['rebased']} not counted: the view had "
        "just turned from pins to cells"
    )
    for miss in result["misses"]:
        print(f"   missed: {miss}")
