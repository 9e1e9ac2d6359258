"""Who may still join: the facilitator stops new joins, or changes the join code.

A participant's only identity is the cookie their browser got when joining, so someone the
facilitator removed can come back from another browser under a new name while the code works.
The facilitator answers that as a meeting's host would: no new joins for now (everyone in stays
in, and one let back in is in), or a new code, after which the old code, link and QR code
(perhaps photographed off the projector) open nothing. Both send `join.changed`, so the
facilitators' pages and the projector show the door as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.common.booleans import true_or_false
from app.common.errors import Conflict, InvalidField
from app.models import Workshop
from app.workshops import audit
from app.workshops.actors import Actor
from app.workshops.codes import new_join_code
from app.workshops.events import append_event
from app.workshops.payloads import JoinChanged
from app.workshops.queries import lock_workshop
from geo.i18n import N_

T = TypeVar("T")
# A clash among 887 million codes is rare; ten in a row means something else is wrong.
CODE_ATTEMPTS = 10


def with_fresh_join_code(session: Session, write: Callable[[str], T]) -> tuple[T, str]:
    """`write(code)` with a new random code, and again with another while it clashes."""
    for _attempt in range(CODE_ATTEMPTS):
        code = new_join_code()
        try:
            with session.begin_nested():
                return write(code), code
        except IntegrityError:
            continue
    raise Conflict(N_("Please try again."), code="try_again")  # pragma: no cover


def refuse_if_joins_stopped(workshop: Workshop) -> None:
    """A join while the facilitator lets nobody new in."""
    if not workshop.joins_open:
        raise Conflict(
            N_(
                "The facilitator is not letting anyone new join now. Ask them to let new people in."
            ),
            code="joins_stopped",
        )


def _parse_open(payload: Any) -> bool:
    """`{"open": bool}`."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    return true_or_false(payload.get("open"), "open")


def set_joins_open(session: Session, actor: Actor, payload: Any) -> bool:
    """Let new people join, or stop them (`{"open": bool}`); commits. Whether joins are open."""
    joins_open = _parse_open(payload)
    workshop = lock_workshop(session, actor.workshop_id, actor)
    if workshop.joins_open != joins_open:
        session.execute(
            update(Workshop).where(Workshop.id == actor.workshop_id).values(joins_open=joins_open)
        )
        append_event(session, actor.workshop_id, JoinChanged(open=joins_open), actor=actor)
        audit.record(session, actor, "joins", before=not joins_open, after=joins_open)
    session.commit()
    return joins_open


def change_join_code(session: Session, actor: Actor) -> str:
    """A new join code in place of the old one, which then opens nothing; commits. The code."""
    workshop = lock_workshop(session, actor.workshop_id, actor)
    joins_open = workshop.joins_open

    def store(code: str) -> None:
        session.execute(
            update(Workshop).where(Workshop.id == actor.workshop_id).values(join_code=code)
        )

    _, code = with_fresh_join_code(session, store)
    append_event(session, actor.workshop_id, JoinChanged(open=joins_open), actor=actor)
    audit.record(session, actor, "join_code")  # not the codes: the old one opens nothing
    session.commit()
    return code
