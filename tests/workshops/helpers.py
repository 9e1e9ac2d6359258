"""Clients for workshop tests: the facilitator, participants, and an SSE reader."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from tests.conftest import CENTRE, Api

SQUARE = [
    [20.260, 63.824],
    [20.266, 63.824],
    [20.266, 63.828],
    [20.260, 63.828],
    [20.260, 63.824],
]


class WorkshopClient(Api):
    """An API client (own cookie jar, CSRF token) with every method the workshop API uses."""

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.patch(path, json=json, headers=headers, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.delete(path, headers=headers, **kwargs)


def new_client(app: Flask) -> WorkshopClient:
    """A browser of its own."""
    return WorkshopClient(app.test_client())


def start_workshop(app: Flask, **settings: Any) -> tuple[WorkshopClient, dict[str, Any]]:
    """A facilitator's browser that started a workshop, and the 201 body."""
    facilitator = new_client(app)
    body = {"title": "Vision för Haga", **settings}
    response = facilitator.post("/api/workshops", body)
    assert response.status_code == 201, response.get_json()
    return facilitator, response.get_json()


def join(app: Flask, workshop: dict[str, Any], name: str = "Anna", **extra: Any) -> WorkshopClient:
    """A participant's browser that joined (the token is in its cookie jar)."""
    participant = new_client(app)
    response = participant.post(
        f"/api/workshops/{workshop['id']}/join",
        {"code": workshop["join_code"], "name": name, **extra},
    )
    assert response.status_code == 201, response.get_json()
    participant.participant = response.get_json()  # type: ignore[attr-defined]
    return participant


def shape(kind: str = "Polygon", **properties: Any) -> dict[str, Any]:
    """A valid annotation Feature in central Umeå."""
    coordinates: Any = {
        "Point": list(CENTRE),
        "LineString": [SQUARE[0], SQUARE[2]],
        "Polygon": [SQUARE],
    }[kind]
    return {
        "type": "Feature",
        "geometry": {"type": kind, "coordinates": coordinates},
        "properties": {"note": "Fler bänkar här", "color": "green", **properties},
    }


def draw(client: WorkshopClient, workshop_id: int, feature: dict[str, Any] | None = None, **kw):
    """POST an annotation; the response."""
    return client.post(f"/api/workshops/{workshop_id}/annotations", feature or shape(), **kw)


class EventReader:
    """A Server-Sent Events client over a real socket, as a browser's EventSource reads."""

    def __init__(
        self,
        base_url: str,
        path: str,
        *,
        cookie: str = "",
        last_event_id: int | None = None,
        timeout: float = 10,
    ) -> None:
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = cookie
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", path, headers=headers)
        self.sock = self.conn.sock
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.comments: list[str] = []
        self.retry: int | None = None
        # Named events (`event: presence`), by name: as EventSource, `next_event` skips them.
        self.named: dict[str, Any] = {}

    def next_event(self) -> dict[str, Any] | None:
        """The next event (`id` and `data`), or None when the stream ended."""
        event: dict[str, Any] = {}
        while True:
            text = self.readline()
            if text is None:
                return None
            if text == "":
                if "data" in event and "event" in event:
                    self.named[event["event"]] = event["data"]
                    event = {}
                elif "data" in event:
                    return event
                continue
            field, _, value = text.partition(":")
            value = value.removeprefix(" ")
            if field == "":
                self.comments.append(value)
            elif field == "id":
                event["id"] = int(value)
            elif field == "data":
                event["data"] = json.loads(value)
            elif field == "event":
                event["event"] = value
            elif field == "retry":
                self.retry = int(value)

    def readline(self) -> str | None:
        """One line of the body (chunked transfer decoded), or None at its end."""
        line = self.response.readline()
        return line.decode().rstrip("\r\n") if line else None

    def events_until(self, predicate, limit: int = 200) -> list[dict[str, Any]]:
        """Events read until one matches `predicate` (included)."""
        seen = []
        for _ in range(limit):
            event = self.next_event()
            assert event is not None, ("stream ended", seen)
            seen.append(event)
            if predicate(event):
                return seen
        raise AssertionError(seen)

    def close(self) -> None:
        """Hang up, as a phone losing its network would."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.response.close()
        self.conn.close()


def cookie_header(client: WorkshopClient) -> str:
    """The Cookie header a browser with this client's jar would send."""
    jar = client.client._cookies  # werkzeug's test client keeps (domain, path, name) -> cookie
    return "; ".join(f"{c.key}={c.value}" for c in jar.values())


def open_events(base_url: str, workshop: dict[str, Any], client: WorkshopClient, **kwargs: Any):
    """The workshop's event stream as `client` reads it (`query`: appended to the path)."""
    path = f"/api/workshops/{workshop['id']}/events" + kwargs.pop("query", "")
    return EventReader(base_url, path, cookie=cookie_header(client), **kwargs)


def event_is(kind: str):
    """Whether a read event is of type `kind` (for `EventReader.events_until`)."""
    return lambda event: event["data"]["type"] == kind
