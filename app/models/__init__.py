"""The data model, one module per concept; import models from here."""

from app.models.base import Base
from app.models.districts import District
from app.models.ideas import Idea, Support
from app.models.moderation import Flag, ModerationWord
from app.models.planning import AnswerTemplate, IdeaHistory, IdeaNote
from app.models.ratelimits import RateLimitCounter
from app.models.users import User

__all__ = [
    "AnswerTemplate",
    "Base",
    "District",
    "Flag",
    "Idea",
    "IdeaHistory",
    "IdeaNote",
    "ModerationWord",
    "RateLimitCounter",
    "Support",
    "User",
]
