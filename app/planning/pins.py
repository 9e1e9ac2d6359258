"""What staff change on one pin: status, answer, category, duplicate link, visibility.

Each field that really changes gets its own history row, with the request's `reason` as why.
Setting `answer` replaces the answer in both languages: `answer_en` is cleared unless it is
sent with it, so an English answer never outlives the Swedish one it translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG
from app.common import limits
from app.common.errors import Conflict, InvalidField, NotFound
from app.common.text import clean_text
from app.common.times import instant_text
from app.ideas.queries import published_ideas, support_count
from app.models import District, Idea
from app.planning.enums import MODERATED_VISIBILITIES, VISIBILITY_LABELS, check_role
from app.planning.history import check_unchanged_since, parse_last_change_seen, record
from app.planning.payloads import json_object, parse_id, parse_status
from app.planning.reports import open_report_count
from app.planning.visibility import change_visibility
from geo.i18n import N_
from geo.numbers import whole_in_range

FIELDS = (
    "status", "answer", "answer_en", "category", "duplicate_of", "visibility", "visibility_was",
    "open_reports_was", "last_change_seen", "reason",
)  # fmt: skip
PRECONDITIONS = ("visibility_was", "open_reports_was", "last_change_seen")
MODERATES = "moderator"  # the role that may change a pin's visibility


@dataclass(frozen=True)
class PinChanges:
    """A validated PATCH: `given` names the fields sent (a value of None clears it)."""

    given: frozenset[str]
    status: str | None = None
    answer: str | None = None
    answer_en: str | None = None
    category: str | None = None
    duplicate_of: int | None = None
    visibility: str | None = None
    # The visibility the moderator's page showed: a change made meanwhile by a colleague (a
    # pin hidden as offensive) is not undone by a page that never saw it.
    visibility_was: str | None = None
    # The open reports it showed: "Keep it published" closes them all, and must not close one
    # that came in after the page was read, unseen.
    open_reports_was: int | None = None
    last_change_seen: int | None = None  # app.planning.history.check_unchanged_since
    reason: str | None = None

    @property
    def moderates(self) -> bool:
        """Whether it changes the visibility (a moderator's right)."""
        return "visibility" in self.given


def parse_changes(payload: Any, role: str) -> PinChanges:
    """Check a PATCH body from staff with `role`; at least one field besides `reason`.

    A visibility from a planner is refused (403) before any value is looked at.
    """
    if isinstance(payload, dict) and "visibility" in payload:
        check_role(role, MODERATES)
    body = json_object(payload, FIELDS)
    if not set(body) - {"reason", *PRECONDITIONS}:
        raise InvalidField(
            N_(
                "Send at least one of status, answer, answer_en, category, duplicate_of, "
                "visibility."
            ),  # fmt: skip
            field=None,
            code="nothing_to_change",
        )
    values: dict[str, Any] = {}
    if "status" in body:
        values["status"] = parse_status(body["status"])
    for name in ("answer", "answer_en"):
        if name in body:
            values[name] = clean_text(body[name], name, limits.ANSWER, multiline=True)
    if "category" in body:
        if not isinstance(body["category"], str) or body["category"] not in CATEGORY_BY_SLUG:
            raise InvalidField(
                N_("Choose a category from the list."), field="category", code="invalid_choice"
            )
        values["category"] = body["category"]
    if "duplicate_of" in body and body["duplicate_of"] is not None:
        values["duplicate_of"] = parse_id(body["duplicate_of"], "duplicate_of")
    if "visibility" in body:
        visibility = body["visibility"]
        if visibility == "withdrawn":
            raise InvalidField(
                N_("Only its author can withdraw a pin."), field="visibility", code="invalid_choice"
            )
        if not isinstance(visibility, str) or visibility not in MODERATED_VISIBILITIES:
            raise InvalidField(
                N_("Choose published, held or hidden."), field="visibility", code="invalid_choice"
            )
        values["visibility"] = visibility
    if "visibility_was" in body:
        was = body["visibility_was"]
        if not isinstance(was, str) or was not in VISIBILITY_LABELS:
            raise InvalidField(
                N_("visibility_was must be published, held, hidden or withdrawn."),
                field="visibility_was",
                code="invalid_choice",
            )
        values["visibility_was"] = was
    if "open_reports_was" in body:
        shown = whole_in_range(body["open_reports_was"], 0, 2**31 - 1)
        if shown is None:
            raise InvalidField(
                N_("open_reports_was must be a whole number of 0 or more."),
                field="open_reports_was",
            )
        values["open_reports_was"] = shown
    values["last_change_seen"] = parse_last_change_seen(body)
    values["reason"] = clean_text(body.get("reason"), "reason", limits.REASON, multiline=True)
    return PinChanges(given=frozenset(body), **values)


def lock_idea(session: Session, idea_id: int) -> Idea:
    """The pin, locked for this transaction (any visibility: staff see them all)."""
    idea = session.get(Idea, idea_id, with_for_update=True)
    if idea is None:
        raise NotFound(N_("No such pin."), field="id")
    return idea


def _check_duplicate_target(session: Session, idea: Idea, target_id: int) -> None:
    """A pin may be marked a duplicate of a public original, never of itself or of a copy."""
    if target_id == idea.id:
        raise InvalidField(
            N_("A pin cannot be a duplicate of itself."), field="duplicate_of", code="invalid_id"
        )
    target = session.execute(
        published_ideas().with_only_columns(Idea.duplicate_of).where(Idea.id == target_id)
    ).first()
    if target is None:
        raise InvalidField(
            N_("There is no public pin %(id)d."), field="duplicate_of", code="invalid_id",
            id=target_id,
        )  # fmt: skip
    if target.duplicate_of is not None:
        raise InvalidField(
            N_("Pin %(id)d is itself a duplicate of pin %(original)d: link to that one."),
            field="duplicate_of",
            code="invalid_id",
            id=target_id,
            original=target.duplicate_of,
        )
    copies = select(func.count()).select_from(Idea).where(Idea.duplicate_of == idea.id)
    if session.execute(copies).scalar_one():
        raise InvalidField(
            N_("Other pins are marked as duplicates of this one; link them elsewhere first."),
            field="duplicate_of",
            code="has_duplicates",
        )


def apply_changes(
    session: Session, idea_id: int, changes: PinChanges, user_id: int, role: str
) -> list[str]:
    """Apply a PATCH by staff with `role` to one pin; the caller commits.

    One history row per changed field; returns the history actions taken. A planner may
    change everything but the visibility (`changes.moderates`): a moderator's.
    """
    if changes.moderates:
        check_role(role, MODERATES)
    idea = lock_idea(session, idea_id)
    if changes.visibility_was is not None and changes.visibility_was != idea.visibility:
        raise Conflict(
            N_("Meanwhile someone else changed this pin: it is now “%(now)s”. Reload the page "
               "to see who and why, then decide again."),
            field="visibility",
            code="visibility_changed",
            extra={"visibility": idea.visibility},
            now=VISIBILITY_LABELS[idea.visibility],
        )  # fmt: skip
    if changes.open_reports_was is not None:
        reports = session.execute(select(open_report_count(idea.id))).scalar_one()
        if reports != changes.open_reports_was:
            raise Conflict(
                N_("Meanwhile the pin's reports changed (open reports now: %(n)s). Reload the "
                   "page to read them, then decide again."),
                field="visibility",
                code="reports_changed",
                extra={"open_reports": reports},
                n=reports,
            )  # fmt: skip
    check_unchanged_since(session, idea.id, changes.last_change_seen)
    why = changes.reason
    done: list[str] = []

    def change(action: str, attribute: str, new: Any) -> None:
        old = getattr(idea, attribute)
        if old != new:
            record(session, idea.id, user_id, action, old, new, why)
            setattr(idea, attribute, new)
            done.append(action)

    if "status" in changes.given:
        change("status", "status", changes.status)
    if "answer" in changes.given:
        change("answer", "answer", changes.answer)
        if "answer_en" not in changes.given:
            change("answer_en", "answer_en", None)
        if "answer" in done:
            idea.answered_at = datetime.now(UTC) if changes.answer else None
    if "answer_en" in changes.given:
        if changes.answer_en and not idea.answer:
            raise InvalidField(
                N_("Write the Swedish answer first."), field="answer_en", code="answer_first"
            )
        change("answer_en", "answer_en", changes.answer_en)
    if "category" in changes.given:
        assert changes.category is not None
        if idea.kind not in CATEGORY_BY_SLUG[changes.category].kinds:
            raise InvalidField(
                N_("This category does not apply to that kind."),
                field="category",
                code="invalid_choice",
            )
        change("category", "category", changes.category)
    if "duplicate_of" in changes.given:
        if changes.duplicate_of is not None:
            _check_duplicate_target(session, idea, changes.duplicate_of)
        # Removing a link is its own action: the history must not say "marked" for it.
        linked = changes.duplicate_of is not None
        change("duplicate" if linked else "duplicate_removed", "duplicate_of", changes.duplicate_of)
    if changes.moderates:
        assert changes.visibility is not None
        action = change_visibility(session, idea, changes.visibility, user_id, why)
        if action:
            done.append(action)
    return done


def staff_pin(session: Session, idea_id: int) -> dict[str, Any]:
    """One pin with everything staff may see (not its supporters or reporters)."""
    row = session.execute(
        select(
            Idea,
            District.name.label("district"),
            support_count().label("support_count"),
            open_report_count(Idea.id).label("open_reports"),
        )
        .outerjoin(District, District.id == Idea.district_id)
        .where(Idea.id == idea_id)
    ).first()
    if row is None:
        raise NotFound(N_("No such pin."), field="id")
    idea: Idea = row.Idea
    point = to_shape(idea.geom)
    return {
        "id": idea.id,
        "kind": idea.kind,
        "category": idea.category,
        "title": idea.title,
        "body": idea.body,
        "author_name": idea.author_name,
        "visibility": idea.visibility,
        "status": idea.status,
        "answer": idea.answer,
        "answer_en": idea.answer_en,
        "answered_at": instant_text(idea.answered_at),
        "duplicate_of": idea.duplicate_of,
        "source": idea.source,
        "district": row.district,
        "created_at": instant_text(idea.created_at),
        "updated_at": instant_text(idea.updated_at),
        "support_count": row.support_count,
        "open_reports": row.open_reports,
        "lon": point.x,
        "lat": point.y,
    }
