"""The data model, one module per concept; import models from here."""

from app.models.base import Base
from app.models.districts import District
from app.models.ideas import Idea, Support
from app.models.map import MAP_DIMENSIONS, MapCell, MapDelta, MapState
from app.models.ratelimits import RateLimitCounter
from app.models.workshops import (
    Workshop,
    WorkshopAnnotation,
    WorkshopAudit,
    WorkshopEvent,
    WorkshopGroup,
    WorkshopParticipant,
    WorkshopPresence,
)

__all__ = [
    "MAP_DIMENSIONS",
    "Base",
    "District",
    "Idea",
    "MapCell",
    "MapDelta",
    "MapState",
    "RateLimitCounter",
    "Support",
    "Workshop",
    "WorkshopAnnotation",
    "WorkshopAudit",
    "WorkshopEvent",
    "WorkshopGroup",
    "WorkshopParticipant",
    "WorkshopPresence",
]
