"""The data model, one module per concept; import models from here."""

from app.models.base import Base
from app.models.districts import District
from app.models.ideas import Idea, Support
from app.models.map import (
    MAP_DIMENSIONS,
    MapCell,
    MapCellByCategory,
    MapCellByKind,
    MapCellBySource,
    MapCellByStatus,
    MapCellTotal,
    MapDelta,
    MapDistrict,
    MapHexagon,
    MapHexagonByCategory,
    MapHexagonByKind,
    MapHexagonBySource,
    MapHexagonByStatus,
    MapHexagonTotal,
    MapState,
)
from app.models.moderation import Flag, ModerationWord
from app.models.planning import AnswerTemplate, IdeaHistory, IdeaNote
from app.models.ratelimits import RateLimitCounter
from app.models.snapshots import ClusterSnapshot, ClusterSnapshotFeature
from app.models.users import User
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
    "AnswerTemplate",
    "Base",
    "ClusterSnapshot",
    "ClusterSnapshotFeature",
    "District",
    "Flag",
    "Idea",
    "IdeaHistory",
    "IdeaNote",
    "MapCell",
    "MapCellByCategory",
    "MapCellByKind",
    "MapCellBySource",
    "MapCellByStatus",
    "MapCellTotal",
    "MapDelta",
    "MapDistrict",
    "MapHexagon",
    "MapHexagonByCategory",
    "MapHexagonByKind",
    "MapHexagonBySource",
    "MapHexagonByStatus",
    "MapHexagonTotal",
    "MapState",
    "ModerationWord",
    "RateLimitCounter",
    "Support",
    "User",
    "Workshop",
    "WorkshopAnnotation",
    "WorkshopAudit",
    "WorkshopEvent",
    "WorkshopGroup",
    "WorkshopParticipant",
    "WorkshopPresence",
]
