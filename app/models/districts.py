"""Districts (stadsdelar): the polygons pins are counted in."""

from __future__ import annotations

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Computed, Integer, String, column
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from geo.geojson import simplified_for_display


class District(Base):
    """A district (stadsdel) of the municipality, with optional population."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    population: Mapped[int | None] = mapped_column(Integer)
    geom: Mapped[WKBElement] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True)
    )
    # The outline the map and the layers draw (topology kept), computed by PostgreSQL when a
    # district is stored: all 121 as GeoJSON took 31 ms simplified for each request, 2 ms read
    # as stored (psql, one session).
    outline: Mapped[WKBElement] = mapped_column(
        Geometry("GEOMETRY", srid=4326, spatial_index=False),
        Computed(simplified_for_display(column("geom")), persisted=True),
    )
