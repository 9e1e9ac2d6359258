"""The bench's HTTP clients: a keep-alive connection with its cookie, latencies, load."""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench import wire

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client:
    """One keep-alive HTTP connection, as one browser tab holds, with its cookie."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: wire.Connection | None = None
        self.cookie = ""
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, wire.Headers]:
        """Send one request; a connection the server closed while idle is opened again."""
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = self.cookie
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = wire.Connection(self.host, self.port, timeout=60)
            try:
                status, data, received, closes = self.conn.exchange(method, path, body, sent)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                # A timeout left the connection waiting for its answer: every later request on
                # it would read the late answer as its own.
                self.close()
                raise
            if closes:
                self.close()
            return status, data, received
        raise AssertionError("unreachable")

    def open_page(self) -> None:
        """Load the map page: the session cookie and the CSRF token a POST needs."""
        status, data, headers = self.request("GET", "/")
        assert status == 200, status
        self.cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
        match = CSRF_META.search(data.decode())
        assert match, "no CSRF token on the page"
        self.token = match.group(1)

    def post_json(self, path: str, payload: object) -> tuple[int, bytes]:
        """POST JSON with the CSRF token."""
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        status, data, _ = self.request("POST", path, json.dumps(payload).encode(), headers)
        return status, data

    def timed_post_json(self, path: str, payload: object) -> tuple[int, bytes, float]:
        """`post_json`, with its milliseconds; a connection the server dropped is status 0."""
        start = time.perf_counter()
        try:
            status, data = self.post_json(path, payload)
        except (OSError, http.client.HTTPException):
            status, data = 0, b""
        return status, data, (time.perf_counter() - start) * 1000

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Samples:
    """Latencies (ms) by a key, with errors and the number of requests."""

    by_key: dict[object, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    count: int = 0
    seconds: float = 0.0
    per_worker: list[int] = field(default_factory=list)  # clients' connections, most first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: object, ms: float, ok: bool) -> None:
        """Record one request."""
        with self.lock:
            self.count += 1
            if ok:
                self.by_key[key].append(ms)
            else:
                self.errors += 1

    def all(self) -> list[float]:
        """Every latency."""
        return [ms for values in self.by_key.values() for ms in values]


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-1), nearest rank; NaN with no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run_clients(count: int, seconds: float, work: Callable[[int, float], None]) -> float:
    """Run `work(n, deadline)` in `count` threads; the wall-clock seconds they took."""
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=work, args=(n, deadline)) for n in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def timed_get(client: Client, path: str, headers: dict[str, str] | None = None) -> tuple:
    """(status, ms, body) of one GET; status 0 when the connection failed."""
    start = time.perf_counter()
    try:
        status, data, _ = client.request("GET", path, headers=headers)
    except (OSError, http.client.HTTPException):
        return 0, (time.perf_counter() - start) * 1000, b""
    return status, (time.perf_counter() - start) * 1000, data


def view_total(data: bytes) -> tuple[int, bool]:
    """The pins a clusters response counts (the sum of its features' counts); clustered?"""
    body = json.loads(data)
    return sum(int(f["properties"]["count"]) for f in body["features"]), bool(body["clustered"])


def clients_cpu() -> float:
    """CPU seconds of this process and of its child processes that have ended (the clients)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def load_and_cpu() -> str:
    """The machine's 1-minute load, for every figure (others share these two cores)."""
    return f"load {os.getloadavg()[0]:.2f}"
