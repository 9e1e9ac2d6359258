"""OGC API – Features endpoints: landing page, conformance, collections, items, one feature."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask import Response, request, url_for
from sqlalchemy import Row, Select, Text, func, select
from sqlalchemy.orm import Session

from app.area import configured_area
from app.common.errors import NotFound
from app.converters import MAX_ID
from app.db import get_session, primary_session
from app.ideas.filters import IdeaFilters, decode_cursor, encode_cursor
from app.ideas.queries import newest_features
from app.layers import snapshots
from app.ogc import bp
from app.ogc.collections import COLLECTIONS, Collection, check_layer_parameters
from app.ogc.params import (
    asked_of,
    carried,
    check_known,
    given_limit,
    item_filters,
    parse_bbox_arg,
    parse_limit,
    parse_offset,
    parse_snapshot,
)
from app.replica import public_read
from geo.filters import intersects_bbox
from geo.geojson import GEOJSON_MEDIA_TYPE, collection_text, feature_select
from geo.i18n import N_
from geo.numbers import parse_whole

JSON = "application/json"
MAX_CLUSTER_NUMBER = 2**31 - 1  # a snapshot's numbers are an Integer column
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]


def _json(body: dict[str, Any], media: str = JSON) -> Response:
    """A JSON document with its OGC media type."""
    return Response(json.dumps(body, ensure_ascii=False), mimetype=media)


def _link(endpoint: str, rel: str, media: str, title: str | None = None, **values: Any) -> dict:
    """An absolute link (clients follow `next` as given), keeping the request's filters."""
    href = url_for(endpoint, _external=True, **carried(request.args), **values)
    link = {"href": href, "rel": rel, "type": media}
    if title:
        link["title"] = title
    return link


def _collection(collection_id: str) -> Collection:
    """The collection, or a 404."""
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise NotFound(N_("No such collection."), field="collectionId")
    return collection


@bp.get("", strict_slashes=False)
@public_read
def landing() -> Response:
    """The landing page: what this API is and where its parts are."""
    check_known(request.args)
    return _json(
        {
            "title": "Umecom Map",
            "description": "Citizens' pins in Umeå and the planners' layers over them.",
            "links": [
                _link("ogc.landing", "self", JSON, "This document"),
                _link("api.openapi", "service-desc", JSON, "The API definition"),
                _link("ogc.conformance", "conformance", JSON, "Conformance classes"),
                _link("ogc.collections", "data", JSON, "The collections"),
            ],
        }
    )


@bp.get("/conformance")
@public_read
def conformance() -> Response:
    """The conformance classes: Part 1 Core with GeoJSON."""
    check_known(request.args)
    return _json({"conformsTo": CONFORMANCE})


def _describe(collection: Collection) -> dict[str, Any]:
    """A collection's metadata: id, title, extent in CRS84, its links."""
    area = configured_area()
    return {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [list(area.bounds)], "crs": CRS84}},
        "links": [
            _link("ogc.collection", "self", JSON, collection_id=collection.id),
            _link(
                "ogc.items",
                "items",
                GEOJSON_MEDIA_TYPE,
                str(collection.title),
                collection_id=collection.id,
            ),
        ],
    }


@bp.get("/collections")
@public_read
def collections() -> Response:
    """Every collection."""
    check_known(request.args)
    return _json(
        {
            "links": [_link("ogc.collections", "self", JSON)],
            "collections": [_describe(c) for c in COLLECTIONS.values()],
        }
    )


@bp.get("/collections/<collection_id>")
@public_read
def collection(collection_id: str) -> Response:
    """One collection's metadata."""
    check_known(request.args)
    return _json(_describe(_collection(collection_id)))


# A page: its features, how many match in all, the next page's arguments (None: the last).
Page = tuple[list[str], int, dict[str, Any] | None]


def _pin_page(limit: int, offset: int) -> Page:
    """A page of pins, newest first: features, how many match, the next page's arguments."""
    filters = item_filters(request.args, bbox_filters_pins=True)
    session = get_session()
    matched = session.execute(
        select(func.count()).select_from(COLLECTIONS["ideas"].rows(filters, {}).subquery())
    ).scalar_one()
    if "cursor" in request.args:
        filters = replace(filters, before_id=decode_cursor(request.args["cursor"]))
    rows = COLLECTIONS["ideas"].rows(filters, {})
    stmt = newest_features(rows, filters).offset(offset).limit(limit + 1)
    found = session.execute(stmt).all()
    features = [row.feature for row in found[:limit]]
    after = {"cursor": encode_cursor(found[limit - 1].key)} if len(found) > limit else None
    return features, int(matched), after


def _page_found(
    found: Sequence[Row[Any]], limit: int, count: Select[Any], session: Session
) -> tuple[list[str], int, bool]:
    """The features of the `limit + 1` rows found, how many match in all, whether more follow.

    Each row carries the total (`matched`); past the end, `count` counts them.
    """
    matched = found[0].matched if found else session.execute(count).scalar_one()
    return [row.feature for row in found[:limit]], int(matched), len(found) > limit


def _layer_page(collection: Collection, limit: int, offset: int) -> Page:
    """A page of a layer's features that meet the bbox, and how many there are in all.

    The layer is computed once per request: the total comes from a window over the same rows.
    """
    filters = item_filters(request.args, bbox_filters_pins=False)
    chosen = _meeting_bbox(collection.rows(filters, request.args))
    stmt = feature_select(chosen, order_by="id").add_columns(func.count().over().label("matched"))
    session = get_session()
    found = session.execute(stmt.offset(offset).limit(limit + 1)).all()
    count = select(func.count()).select_from(chosen.subquery())
    features, matched, more = _page_found(found, limit, count, session)
    return features, matched, {"offset": offset + limit} if more else None


def _cluster_snapshot(snapshot: UUID | None, filters: IdeaFilters) -> UUID:
    """The snapshot to read this request's clusters from (app/layers/snapshots.py).

    The one its link names, when that serves this request; else one found for the same
    filters while no pin has changed since; else the clusters found now, kept as a new one.
    """
    asked = asked_of(request.args)
    session = primary_session()  # a replica refuses the snapshot's writes
    if snapshot is not None and snapshots.kept(session, snapshot, asked):
        return snapshot
    version = snapshots.pins_version(get_session())  # where the pins are read, before them
    reused = snapshots.reusable(session, asked, version)
    if reused is not None:
        return reused
    layer = COLLECTIONS["clusters"].rows(filters, request.args)
    return snapshots.keep(session, layer, asked, version)


def _cluster_page(limit: int, offset: int, snapshot: UUID | None) -> Page:
    """A page of the clusters, read from a snapshot, which its `next` link names."""
    filters = item_filters(request.args, bbox_filters_pins=False)
    snapshot = _cluster_snapshot(snapshot, filters)
    bbox = parse_bbox_arg(request.args)
    session = primary_session()
    found = session.execute(snapshots.page(snapshot, bbox, offset=offset, limit=limit + 1)).all()
    count = snapshots.matched(snapshot, bbox)
    features, matched, more = _page_found(found, limit, count, session)
    return features, matched, {"offset": offset + limit, "snapshot": snapshot.hex} if more else None


def _meeting_bbox(rows: Select[Any]) -> Select[Any]:
    """The features of `rows` whose geometry meets the request's bbox (all without one)."""
    bbox = parse_bbox_arg(request.args)
    layer = rows.subquery("layer_rows")
    chosen = select(layer)
    if bbox is not None:
        chosen = chosen.where(intersects_bbox(layer.c.geom, bbox))
    return chosen


@bp.get("/collections/<collection_id>/items")
@public_read
def items(collection_id: str) -> Response:
    """A page of features, with numberMatched, numberReturned and a `next` link."""
    collection = _collection(collection_id)
    check_known(request.args)
    check_layer_parameters(request.args)
    limit = parse_limit(request.args)
    offset = parse_offset(request.args)
    snapshot = parse_snapshot(request.args, has_snapshots=collection.id == "clusters")
    if collection.id == "ideas":
        features, matched, after = _pin_page(limit, offset)
    elif collection.id == "clusters":
        features, matched, after = _cluster_page(limit, offset, snapshot)
    else:
        features, matched, after = _layer_page(collection, limit, offset)
    page = {k: request.args[k] for k in ("bbox", "datetime") if k in request.args}
    if (asked := given_limit(request.args)) is not None:
        page["limit"] = asked
    links = [
        _link("ogc.items", "self", GEOJSON_MEDIA_TYPE, collection_id=collection.id, **page),
        _link("ogc.collection", "collection", JSON, collection_id=collection.id),
    ]
    if after is not None:
        page = {**page, "limit": str(limit), **after}
        links.append(
            _link("ogc.items", "next", GEOJSON_MEDIA_TYPE, collection_id=collection.id, **page)
        )
    members = {
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }
    return Response(collection_text(",".join(features), members), mimetype=GEOJSON_MEDIA_TYPE)


def _no_such_feature() -> NotFound:
    return NotFound(N_("No such feature."), field="featureId")


def _cluster_feature(feature_id: str, snapshot: UUID | None) -> tuple[str | None, UUID]:
    """The cluster numbered `feature_id` (None: no such cluster), and the snapshot it is from.

    Read from a snapshot as the pages are, so that it is the cluster a page numbered so. An id
    that is no number ("007" neither) is refused before any cluster is found.
    """
    filters = item_filters(request.args, bbox_filters_pins=False)
    number = parse_whole(feature_id, 1, MAX_CLUSTER_NUMBER)
    if number is None or str(number) != feature_id:
        raise _no_such_feature()
    snapshot = _cluster_snapshot(snapshot, filters)
    found = primary_session().execute(snapshots.feature(snapshot, number)).first()
    return (None if found is None else str(found.feature)), snapshot


def _layer_feature(collection: Collection, feature_id: str) -> str | None:
    """A feature of the pins or of a layer, found now (None: no such feature)."""
    filters = item_filters(request.args, bbox_filters_pins=False)
    rows = collection.rows(filters, request.args).subquery("layer_rows")
    if collection.id == "ideas":
        pin_id = parse_whole(feature_id, 1, MAX_ID)
        where = rows.c.id == (pin_id or 0)
    else:
        where = rows.c.id.cast(Text) == feature_id[:100]
    found = get_session().execute(feature_select(select(rows).where(where))).first()
    return None if found is None else str(found.feature)


@bp.get("/collections/<collection_id>/items/<feature_id>")
@public_read
def item(collection_id: str, feature_id: str) -> Response:
    """One feature by its id, with links to itself and its collection.

    A cluster's link names the snapshot it was read from (`_cluster_feature`).
    """
    collection = _collection(collection_id)
    check_known(request.args)
    check_layer_parameters(request.args)
    snapshot = parse_snapshot(request.args, has_snapshots=collection.id == "clusters")
    itself = {k: request.args[k] for k in ("datetime",) if k in request.args}
    if collection.id == "clusters":
        found, kept = _cluster_feature(feature_id, snapshot)
        itself["snapshot"] = kept.hex
    else:
        found = _layer_feature(collection, feature_id)
    if found is None:
        raise _no_such_feature()
    feature = json.loads(found)
    feature["links"] = [
        _link(
            "ogc.item",
            "self",
            GEOJSON_MEDIA_TYPE,
            collection_id=collection.id,
            feature_id=feature_id,
            **itself,
        ),
        _link("ogc.collection", "collection", JSON, collection_id=collection.id),
    ]
    return _json(feature, GEOJSON_MEDIA_TYPE)
