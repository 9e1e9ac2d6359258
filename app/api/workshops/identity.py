"""Who is calling, for one workshop: a participant (signed token) and/or the facilitator.

A participant's token comes back from `join` in the body and in an HttpOnly cookie; scripts
that cannot use the cookie send it in `X-Participant-Token`. The facilitator sends the key from
the secret link in `X-Facilitator-Key`, or exchanges it once for a signed cookie. Each cookie
is named after its workshop, so one browser can be in several.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Response, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import StaffMember, signed_in_user
from app.common.errors import Forbidden, NotAuthenticated
from app.models import Workshop, WorkshopParticipant
from app.planning.accounts import session_still_holds
from app.workshops.actors import Actor
from app.workshops.codes import key_matches
from app.workshops.queries import get_workshop, removed_from_workshop
from app.workshops.tokens import (
    facilitator_cookie_matches,
    facilitator_device,
    new_device_id,
    read_participant,
    sign_facilitator,
    sign_participant,
)
from geo.i18n import N_

PARTICIPANT_HEADER = "X-Participant-Token"
FACILITATOR_HEADER = "X-Facilitator-Key"
COOKIE_MAX_AGE = 30 * 24 * 3600
MAX_KEY_LENGTH = 100


def participant_cookie(workshop_id: int) -> str:
    """The participant cookie's name for a workshop."""
    return f"umecom_participant_{workshop_id}"


def facilitator_cookie(workshop_id: int) -> str:
    """The facilitator cookie's name for a workshop."""
    return f"umecom_facilitator_{workshop_id}"


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _participant(session: Session, workshop_id: int) -> tuple[int, bool] | None:
    """The participant the request's token names, if one of this workshop's: (id, removed)."""
    raw = request.headers.get(PARTICIPANT_HEADER) or request.cookies.get(
        participant_cookie(workshop_id), ""
    )
    token = read_participant(_secret(), raw)
    if token is None or token.workshop_id != workshop_id:
        return None
    found = session.execute(
        select(WorkshopParticipant.id, WorkshopParticipant.removed_at).where(
            WorkshopParticipant.workshop_id == workshop_id,
            WorkshopParticipant.id == token.participant_id,
            WorkshopParticipant.on_behalf.is_(False),
        )
    ).first()
    return None if found is None else (int(found.id), found.removed_at is not None)


def _facilitator(workshop: Workshop) -> bool:
    """Whether the request is the facilitator's: the key, its cookie, or the planner who began."""
    return _facilitator_by_key(workshop) or _facilitator_by_sign_in(workshop) is not None


def _facilitator_by_key(workshop: Workshop) -> bool:
    """Whether the request carries the facilitator's key, or the cookie it was exchanged for.

    A wrong key in the header is refused outright rather than ignored.
    """
    key = request.headers.get(FACILITATOR_HEADER)
    if key is not None:
        if len(key) > MAX_KEY_LENGTH or not key_matches(key, workshop.facilitator_key_hash):
            raise Forbidden(N_("The facilitator key is not right."), field=FACILITATOR_HEADER)
        return True
    cookie = request.cookies.get(facilitator_cookie(workshop.id), "")
    return facilitator_cookie_matches(_secret(), cookie, workshop.id, workshop.facilitator_key_hash)


def _facilitator_by_sign_in(workshop: Workshop) -> StaffMember | None:
    """The signed-in planner who started the workshop: they steer it from any of their devices."""
    planner = signed_in_user()
    if planner is not None and workshop.created_by == planner.id and planner.can("planner"):
        return planner
    return None


def sign_in_to_recheck(session: Session, workshop_id: int) -> Callable[[Session], bool] | None:
    """For a caller who facilitates by their staff sign-in alone: whether it still holds.

    An open event stream outlives the request that checked its caller. Signing out or a
    disabled account ends the sign-in everywhere, and the stream must end with it, not go on
    sending hidden drawings and names to a device that no longer has the right.
    """
    workshop = get_workshop(session, workshop_id)
    if _facilitator_by_key(workshop):
        return None
    planner = _facilitator_by_sign_in(workshop)
    if planner is None:
        return None
    user_id, token = planner.id, planner.session_token
    return lambda now: session_still_holds(now, user_id, token)


def current_actor(session: Session, workshop_id: int) -> Actor:
    """The caller in this workshop (possibly nobody); 404 for a workshop that does not exist."""
    cached = g.get("workshop_actor")
    if cached is not None and cached.workshop_id == workshop_id:
        return cached  # type: ignore[no-any-return]
    workshop = get_workshop(session, workshop_id)
    participant = _participant(session, workshop_id)
    if participant is None:
        actor = Actor(workshop_id)
    elif participant[1]:  # removed: their token is nobody's any more
        actor = Actor(workshop_id, removed_id=participant[0])
    else:
        actor = Actor(workshop_id, participant[0])
    if _facilitator(workshop):
        actor = _which_facilitator(workshop, actor)
    g.workshop_actor = actor
    return actor


def _which_facilitator(workshop: Workshop, actor: Actor) -> Actor:
    """The facilitator `actor` is, as far as it can be told apart from other facilitators.

    A signed-in staff member is their account (the same person on any device); else the
    device id in the facilitator cookie; a script sending only the key is none of them
    (`Actor.facilitator_id` is then "key"), and so is a cookie signed before devices had ids.
    """
    staff = signed_in_user()
    if staff is not None:
        return replace(actor, facilitator=True, planner_id=staff.id)
    return replace(actor, facilitator=True, device_id=_cookie_device(workshop))


def _cookie_device(workshop: Workshop) -> str | None:
    """The device id of the request's facilitator cookie, when it holds for this workshop."""
    if request.headers.get(FACILITATOR_HEADER) is not None:
        return None  # the key itself was sent: a script, not the browser the cookie is on
    cookie = request.cookies.get(facilitator_cookie(workshop.id), "")
    return facilitator_device(_secret(), cookie, workshop.id, workshop.facilitator_key_hash)


def member(session: Session, workshop_id: int) -> Actor:
    """The caller, who must have joined the workshop or be its facilitator.

    401 for a stranger; 403 `removed` for a participant the facilitator removed.
    """
    actor = current_actor(session, workshop_id)
    if not actor.member and actor.removed_id is not None:
        raise removed_from_workshop()
    if not actor.member:
        raise NotAuthenticated(
            N_("Join the workshop first."), field=PARTICIPANT_HEADER, code="not_a_member"
        )
    return actor


def facilitator(session: Session, workshop_id: int) -> Actor:
    """The caller, who must be the facilitator (401 with no key, 403 for a participant)."""
    actor = current_actor(session, workshop_id)
    if actor.facilitator:
        return actor
    if actor.removed_id is not None:
        raise removed_from_workshop()
    if actor.participant_id is not None:
        raise Forbidden(N_("Only the facilitator can do this."), field=FACILITATOR_HEADER)
    raise NotAuthenticated(
        N_("This needs the facilitator's key."), field=FACILITATOR_HEADER, code="not_facilitator"
    )


def _set(response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )


def participant_token(workshop_id: int, participant_id: int) -> str:
    """A new participant's signed token."""
    return sign_participant(_secret(), workshop_id, participant_id)


def set_participant_cookie(response: Response, workshop_id: int, token: str) -> None:
    """Send the participant's token as an HttpOnly cookie."""
    _set(response, participant_cookie(workshop_id), token)


def set_facilitator_cookie(response: Response, workshop_id: int, key_hash: str) -> None:
    """Send the signed facilitator cookie (the key itself never goes into a cookie).

    A device that has one already keeps its id (and so its undo history); else a new id.
    """
    held = request.cookies.get(facilitator_cookie(workshop_id), "")
    device = facilitator_device(_secret(), held, workshop_id, key_hash) or new_device_id()
    _set(
        response,
        facilitator_cookie(workshop_id),
        sign_facilitator(_secret(), workshop_id, key_hash, device),
    )
