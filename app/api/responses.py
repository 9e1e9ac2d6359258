"""Response helpers for GeoJSON, streamed or whole."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, stream_with_context

from geo.geojson import GEOJSON_MEDIA_TYPE


def geojson_stream(chunks: Iterator[str], status: int = 200) -> Response:
    """Stream a FeatureCollection built by PostGIS, keeping the request's session open."""
    return Response(stream_with_context(chunks), status=status, mimetype=GEOJSON_MEDIA_TYPE)


def geojson_text(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A single GeoJSON object already rendered as text."""
    return Response(text, status=status, mimetype=GEOJSON_MEDIA_TYPE, headers=headers)
