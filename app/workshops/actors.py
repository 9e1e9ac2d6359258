"""Who acts in a workshop: a participant (by their signed token), the facilitator, or both."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The caller as far as one workshop is concerned."""

    workshop_id: int
    participant_id: int | None = None
    facilitator: bool = False

    @property
    def member(self) -> bool:
        """Whether the caller belongs to the workshop at all."""
        return self.facilitator or self.participant_id is not None


def acting_on(actor: Actor, owner_id: int) -> Actor | None:
    """As whom `actor` changes what `owner_id` drew: its owner, else the facilitator, else None.

    The result names one role only, so an undo stack holds only that role's own changes.
    """
    if actor.participant_id is not None and actor.participant_id == owner_id:
        return Actor(actor.workshop_id, participant_id=owner_id)
    if actor.facilitator:
        return Actor(actor.workshop_id, facilitator=True)
    return None
