"""Who acts in a workshop: a participant (by their signed token), the facilitator, or both."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    """The caller as far as one workshop is concerned.

    Several people may facilitate at once (a planner on a laptop, a colleague with the secret
    link on a tablet): `planner_id` (a signed-in staff account) or `device_id` (the random id
    in the facilitator cookie) tells them apart, so each undoes only their own changes.
    """

    workshop_id: int
    participant_id: int | None = None
    facilitator: bool = False
    planner_id: int | None = None
    device_id: str | None = None
    # The participant the caller's token names when the facilitator has removed them: such a
    # caller is no participant (`participant_id` is None) and may change nothing.
    removed_id: int | None = None

    @property
    def member(self) -> bool:
        """Whether the caller belongs to the workshop at all."""
        return self.facilitator or self.participant_id is not None

    @property
    def facilitator_id(self) -> str | None:
        """Which facilitator acts, as stored with their events; None for a participant.

        Their account, else their device, else "key" (a script sending the key in a header).
        """
        if not self.facilitator:
            return None
        if self.planner_id is not None:
            return f"planner:{self.planner_id}"
        return f"device:{self.device_id}" if self.device_id else "key"

    def as_facilitator(self) -> Actor:
        """The same caller in the facilitator's role only (who they are is kept)."""
        return replace(self, participant_id=None, facilitator=True, removed_id=None)


def acting_on(actor: Actor, owner_id: int) -> Actor | None:
    """As whom `actor` changes what `owner_id` drew: its owner, else the facilitator, else None.

    The result names one role only, so an undo stack holds only that role's own changes.
    """
    if actor.participant_id is not None and actor.participant_id == owner_id:
        return Actor(actor.workshop_id, participant_id=owner_id)
    if actor.facilitator:
        return actor.as_facilitator()
    return None
