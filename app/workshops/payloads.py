"""The events a workshop's stream sends: a small typed set, tagged by `type`.

Each event is stored as a row (app/models/workshops.py::WorkshopEvent) whose `payload` is
`as_json(event)`, and sent as it is: `id: <n>`, `event: <type>`, `data: <payload>`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class AnnotationCreated:
    """A new annotation (or one an undo brought back): its GeoJSON Feature."""

    type: ClassVar[str] = "annotation.created"
    feature: dict[str, Any]
    undo_of: int | None = None


@dataclass(frozen=True)
class AnnotationUpdated:
    """An annotation changed (shape, note, colour, category, or shown again): the Feature."""

    type: ClassVar[str] = "annotation.updated"
    feature: dict[str, Any]
    undo_of: int | None = None


@dataclass(frozen=True)
class AnnotationDeleted:
    """An annotation was deleted."""

    type: ClassVar[str] = "annotation.deleted"
    id: int
    version: int
    undo_of: int | None = None


@dataclass(frozen=True)
class AnnotationHidden:
    """The facilitator hid an annotation: participants remove it, the facilitator greys it."""

    type: ClassVar[str] = "annotation.hidden"
    id: int
    version: int


@dataclass(frozen=True)
class AnnotationsPromoted:
    """Annotations became pins: `pins` pairs each annotation's `id` with its `pin_id`.

    Every facilitator's list then marks them, and no one ticks them again.
    """

    type: ClassVar[str] = "annotation.promoted"
    pins: list[dict[str, int]]


@dataclass(frozen=True)
class Presence:
    """Who has the workshop open now: participants (id, name, group) and facilitators."""

    type: ClassVar[str] = "presence"
    participants: list[dict[str, Any]]
    facilitators: int
    count: int


@dataclass(frozen=True)
class StateChanged:
    """Drawing opened or paused by the facilitator."""

    type: ClassVar[str] = "state"
    state: str


@dataclass(frozen=True)
class View:
    """Move the map here: "bring everyone here", or the facilitator's view in follow mode."""

    type: ClassVar[str] = "view"
    center: list[float]
    zoom: int
    follow: bool


@dataclass(frozen=True)
class Follow:
    """Follow mode on or off: while on, participants' maps follow the facilitator's views."""

    type: ClassVar[str] = "follow"
    on: bool


@dataclass(frozen=True)
class Closed:
    """The workshop was closed: read-only from now on; the stream ends after this event."""

    type: ClassVar[str] = "closed"


@dataclass(frozen=True)
class ParticipantRemoved:
    """The facilitator removed a participant: their stream ends after this event.

    Sent to facilitators and to that participant only (app/workshops/stream.py).
    """

    type: ClassVar[str] = "participant.removed"
    participant_id: int


@dataclass(frozen=True)
class ParticipantLetBackIn:
    """The facilitator let a removed participant back in (facilitators and them only)."""

    type: ClassVar[str] = "participant.let_back_in"
    participant_id: int


@dataclass(frozen=True)
class EndsAtChanged:
    """The facilitator gave a later end time (`ends_at`), or none (left out): open again.

    An end time can only be set in the future, so every page reopens on it and asks again
    when it comes, as the server's clock decides.
    """

    type: ClassVar[str] = "ends_at"
    ends_at: str | None


@dataclass(frozen=True)
class JoinChanged:
    """New joins stopped or let in again, or a new join code: members read the join block again.

    The code itself is not in the event: the state carries it with its link and QR code.
    """

    type: ClassVar[str] = "join.changed"
    open: bool


Payload = (
    AnnotationCreated
    | AnnotationUpdated
    | AnnotationDeleted
    | AnnotationHidden
    | AnnotationsPromoted
    | Presence
    | StateChanged
    | View
    | Follow
    | Closed
    | ParticipantRemoved
    | ParticipantLetBackIn
    | JoinChanged
    | EndsAtChanged
)
EVENT_TYPES: tuple[type[Payload], ...] = (
    AnnotationCreated,
    AnnotationUpdated,
    AnnotationDeleted,
    AnnotationHidden,
    AnnotationsPromoted,
    Presence,
    StateChanged,
    View,
    Follow,
    Closed,
    ParticipantRemoved,
    ParticipantLetBackIn,
    JoinChanged,
    EndsAtChanged,
)
# Events about one participant, sent to facilitators and to that participant only.
ABOUT_A_PARTICIPANT = (ParticipantRemoved.type, ParticipantLetBackIn.type)
# The changes to annotations a participant can undo.
UNDOABLE = (AnnotationCreated.type, AnnotationUpdated.type, AnnotationDeleted.type)


def as_json(event: Payload) -> dict[str, Any]:
    """The event as stored and sent: `type` first, then its fields (None left out)."""
    fields = {k: v for k, v in asdict(event).items() if v is not None}
    return {"type": event.type, **fields}


def for_audience(payload: dict[str, Any], *, facilitator: bool) -> dict[str, Any]:
    """What one reader may see of an event.

    A hidden annotation reaches participants only as `annotation.hidden`, never its content.
    """
    feature = payload.get("feature")
    if facilitator or not isinstance(feature, dict):
        return payload
    if feature.get("properties", {}).get("hidden"):
        version = int(feature["properties"]["version"])
        return as_json(AnnotationHidden(id=int(feature["id"]), version=version))
    return payload
