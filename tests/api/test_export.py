"""GET /api/export/*: every export read back with pyogrio (GDAL), as a GIS would read it:
feature count, CRS and coordinates against the database; CSV as Excel would read it; no
personal data and no unpublished pin in any file."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    String,
    column,
    func,
    literal,
    select,
    text,
    values,
)

from app.api.export import with_export_timeout
from app.db import get_engine, get_session
from app.ideas.filters import parse_filters
from app.layers.exports import pin_export
from geo.export import write_gpkg
from tests.pins import add_pins, random_points, seed_unfolded_pins, set_columns, varied_specs
from tests.streams import wait_until_no_app_transaction

CITY = (20.20, 63.80, 20.34, 63.86)
EXPORTS = [
    ("ideas", "geojson"),
    ("ideas", "csv"),
    ("ideas", "gpkg"),
    ("clusters", "geojson"),
    ("clusters", "gpkg"),
    ("districts", "geojson"),
    ("districts", "csv"),
    ("districts", "gpkg"),
    ("hexgrid", "geojson"),
    ("hexgrid", "gpkg"),
]
LAYER_PARAMS = {"clusters": "eps=300&min_points=1", "hexgrid": "size=500"}
CSV_GEOMETRY = {4326: ("lon", "lat"), 3006: ("x", "y")}


def _url(name, fmt, query=""):
    params = "&".join(p for p in (LAYER_PARAMS.get(name, ""), query) if p)
    return f"/api/export/{name}.{fmt}" + (f"?{params}" if params else "")


def _download(client, tmp_path, name, fmt, query=""):
    response = client.get(_url(name, fmt, query))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    disposition = response.headers["Content-Disposition"]
    suffix = "-sweref99tm" if "crs=3006" in query else ""
    match = re.fullmatch(
        rf'attachment; filename="umecom-{name}-(\d{{4}}-\d\d-\d\d){suffix}\.{fmt}"', disposition
    )
    assert match, disposition
    path = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.{fmt}"
    path.write_bytes(response.get_data())
    return response, path


def _read(path, crs=4326):
    """Read an export back with GDAL: (meta, geometries, {field: values})."""
    options = {}
    if path.suffix == ".csv":
        x, y = CSV_GEOMETRY[crs]
        options = {"X_POSSIBLE_NAMES": x, "Y_POSSIBLE_NAMES": y, "KEEP_GEOM_COLUMNS": "YES"}
    meta, _fids, geometries, fields = pyogrio.raw.read(path, **options)
    return meta, shapely.from_wkb(geometries), dict(zip(meta["fields"], fields, strict=True))


def _pins_in_db(app, crs):
    sql = text(
        "SELECT id, ST_X(g), ST_Y(g) FROM (SELECT id, ST_Transform(geom, :crs) g FROM ideas "
        "WHERE visibility = 'published') s"
    )
    with app.app_context(), get_engine().connect() as conn:
        return {row[0]: (row[1], row[2]) for row in conn.execute(sql, {"crs": crs})}


@pytest.fixture
def pins(app):
    points = random_points(40, seed=41, box=CITY) + random_points(20, seed=42)
    specs = varied_specs(points, seed=41)
    specs[0].update(title="Gång- och cykelväg vid Ålidhem", body="Ärligt talat: “bättre” belysning")
    specs[1].update(title='=HYPERLINK("http://evil.example","klicka")', body="-2+3")
    return add_pins(app, specs)


@pytest.mark.parametrize(("crs", "tolerance"), [(4326, 1e-6), (3006, 0.01)])
@pytest.mark.parametrize("fmt", ["csv", "gpkg"])
def test_pins_read_back_with_their_crs_and_coordinates(
    app, client, tmp_path, pins, fmt, crs, tolerance
):
    query = f"crs={crs}" if crs != 4326 else ""
    _response, path = _download(client, tmp_path, "ideas", fmt, query)
    meta, geometries, fields = _read(path, crs)
    assert len(geometries) == len(pins)
    if fmt == "gpkg":
        assert meta["crs"] == f"EPSG:{crs}"
        assert meta["geometry_type"] == "Point"
    expected = _pins_in_db(app, crs)
    for pin_id, point in zip(fields["id"], geometries, strict=True):
        x, y = expected[int(pin_id)]
        assert point.x == pytest.approx(x, abs=tolerance) and point.y == pytest.approx(
            y, abs=tolerance
        )
    assert sorted(int(i) for i in fields["id"]) == sorted(pins)


def test_geojson_is_rfc_7946(app, client, tmp_path, pins):
    response, path = _download(client, tmp_path, "ideas", "geojson")
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert "crs" not in body  # RFC 7946: WGS 84 lon/lat, no crs member
    meta, geometries, fields = _read(path)
    assert meta["crs"] == "EPSG:4326" and len(geometries) == len(pins)
    expected = _pins_in_db(app, 4326)
    for pin_id, point in zip(fields["id"], geometries, strict=True):
        assert (point.x, point.y) == pytest.approx(expected[int(pin_id)], abs=1e-6)
    assert [f["id"] for f in body["features"]] == sorted(pins)


@pytest.mark.parametrize("query", ["", "bbox=20.20,63.80,20.34,63.86"])  # CITY: pins[:40]
def test_exported_pins_equal_what_each_pin_says(app, client, pins, query):
    """The export joins the support counts and originals (to render in parallel); each pin's
    endpoint looks them up. Both must agree, for originals published and hidden alike, and
    with filters, which narrow the supports counted."""
    supported, copy_of_public, copy_of_hidden, hidden = pins[:4]
    set_columns(app, [hidden], visibility="hidden")
    set_columns(app, [copy_of_public], duplicate_of=supported)
    set_columns(app, [copy_of_hidden], duplicate_of=hidden)
    with app.app_context(), get_engine().begin() as conn:
        for pin_id, supporters in ((supported, 3), (copy_of_public, 1), (hidden, 2)):
            for n in range(supporters):
                conn.execute(
                    text("INSERT INTO supports (idea_id, supporter_id) VALUES (:id, :who)"),
                    {"id": pin_id, "who": f"supporter-{n}"},
                )
    body = client.get(f"/api/export/ideas.geojson?{query}").get_json()
    exported = {f["id"]: f for f in body["features"]}
    assert sorted(exported) == sorted(set(pins[:40] if query else pins) - {hidden})
    for pin_id, feature in exported.items():
        one = client.get(f"/api/ideas/{pin_id}").get_json()
        assert feature["properties"].pop("district_code") is not None
        assert feature == one | {"properties": {"id": pin_id, **one["properties"]}}
    counts = {pin_id: f["properties"]["support_count"] for pin_id, f in exported.items()}
    assert (counts[supported], counts[copy_of_public], counts[copy_of_hidden]) == (3, 1, 0)
    assert exported[copy_of_public]["properties"]["duplicate_of"] == supported
    assert exported[copy_of_hidden]["properties"]["duplicate_of"] is None


def test_csv_opens_in_swedish_excel(client, tmp_path, pins):
    response, path = _download(client, tmp_path, "ideas", "csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    lines = raw.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[:3] == ["id", "kind", "category"]
    assert {"district", "district_code", "lon", "lat", "wkt"} <= set(header)
    text_body = raw.decode("utf-8-sig")
    assert "Gång- och cykelväg vid Ålidhem" in text_body and "“bättre”" in text_body
    # A formula from a citizen stays text in a spreadsheet.
    _meta, _geometries, fields = _read(path)
    titles = set(fields["title"])
    assert '\'=HYPERLINK("http://evil.example","klicka")' in titles
    assert "'-2+3" in set(fields["body"])
    assert not any(str(t).startswith(("=", "+", "-", "@")) for t in titles)
    wkt = fields["wkt"][0]
    assert wkt.startswith("POINT(")


def test_csv_names_the_district_of_each_pin(app, client, tmp_path, pins):
    _response, path = _download(client, tmp_path, "ideas", "csv")
    _meta, _geometries, fields = _read(path)
    with app.app_context(), get_engine().connect() as conn:
        expected = dict(
            conn.execute(
                text(
                    "SELECT i.id, d.code || '/' || d.name FROM ideas i "
                    "JOIN districts d ON d.id = i.district_id"
                )
            ).all()
        )
    got = {
        int(i): f"{code}/{name}"
        for i, code, name in zip(
            fields["id"], fields["district_code"], fields["district"], strict=True
        )
    }
    assert got == expected


def _district_rows(app):
    with app.app_context(), get_engine().connect() as conn:
        return dict(
            conn.execute(
                text(
                    "SELECT d.code, count(i.id) FROM districts d LEFT JOIN ideas i "
                    "ON i.district_id = d.id AND i.visibility = 'published' GROUP BY d.code"
                )
            ).all()
        )


@pytest.mark.parametrize(
    ("fmt", "crs"),
    [("geojson", 4326), ("csv", 4326), ("csv", 3006), ("gpkg", 4326), ("gpkg", 3006)],
)
def test_districts_read_back(app, client, tmp_path, pins, fmt, crs):
    query = f"crs={crs}" if crs != 4326 else ""
    _response, path = _download(client, tmp_path, "districts", fmt, query)
    meta, geometries, fields = _read(path, crs)
    assert len(geometries) == 121
    assert dict(
        zip(fields["code"], (int(c) for c in fields["count"]), strict=True)
    ) == _district_rows(app)
    if fmt == "gpkg":
        assert meta["crs"] == f"EPSG:{crs}" and meta["geometry_type"] == "MultiPolygon"
    if fmt == "csv":
        wkts = shapely.from_wkt(fields["wkt"])
        assert all(w.geom_type == "MultiPolygon" for w in wkts)
        # lon/lat (x/y) is a point inside each district, in the same CRS as the WKT
        assert all(w.buffer(1e-9).covers(p) for w, p in zip(wkts, geometries, strict=True))
    centroid = shapely.union_all(geometries).centroid
    if crs == 4326:
        assert 19.6 < centroid.x < 21.1 and 63.3 < centroid.y < 64.5
    else:
        assert 700_000 < centroid.x < 800_000 and 7_000_000 < centroid.y < 7_200_000
    for name in ("kind_idea", "kind_concern", "category_walking_cycling", "share", "per_1000"):
        assert name in fields


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_layers_read_back_like_the_layer_endpoints(client, tmp_path, pins, fmt):
    for name, layer in (("clusters", "clusters"), ("hexgrid", "hexgrid")):
        expected = client.get(f"/api/layers/{layer}?{LAYER_PARAMS[name]}").get_json()["features"]
        _response, path = _download(client, tmp_path, name, fmt)
        meta, geometries, fields = _read(path)
        assert len(geometries) == len(expected) > 0
        assert meta["crs"] == "EPSG:4326"
        assert sum(int(c) for c in fields["count"]) == sum(
            f["properties"]["count"] for f in expected
        )
        for feature, geometry in zip(expected, geometries, strict=True):
            assert shapely.geometry.shape(feature["geometry"]).equals_exact(geometry, 1e-6)
    _response, path = _download(client, tmp_path, "clusters", fmt)
    _meta, _geometries, fields = _read(path)
    members = [int(i) for ids in fields["idea_ids"] for i in ids.split(",")]
    assert len(members) == len(set(members)) and set(members) <= set(pins)


def test_gpkg_in_sweref_for_layers(client, tmp_path, pins):
    for name in ("clusters", "hexgrid"):
        _response, path = _download(client, tmp_path, name, "gpkg", "crs=3006")
        meta, geometries, _fields = _read(path)
        assert meta["crs"] == "EPSG:3006"
        assert all(700_000 < g.centroid.x < 800_000 for g in geometries)


def test_an_empty_export_still_opens(client, tmp_path):
    for name, fmt in EXPORTS:
        _response, path = _download(client, tmp_path, name, fmt, "kind=concern&status=done")
        if name == "districts":
            continue  # every district is listed, with 0
        if fmt == "geojson" or fmt == "gpkg":
            meta, geometries, _fields = _read(path)
            assert len(geometries) == 0


def test_no_personal_data_in_any_export(app, client, tmp_path, pins):
    for name, fmt in EXPORTS:
        response = client.get(_url(name, fmt))
        body = response.get_data()
        assert b"Private Person" not in body, (name, fmt)
        assert b"author" not in body and b"supporter" not in body, (name, fmt)
        response.close()


@pytest.mark.parametrize("visibility", ["held", "hidden", "withdrawn"])
def test_unpublished_pins_are_in_no_export(app, client, tmp_path, visibility):
    shown = add_pins(app, [{"lon": 20.2630, "lat": 63.8258, "title": "Shown pin"}])
    secret = add_pins(
        app,
        [
            {"lon": 20.2631, "lat": 63.8259, "title": "Secret pin"},
            {"lon": 20.264, "lat": 63.826, "title": "Secret pin"},
        ],
    )
    set_columns(app, secret, visibility=visibility)
    for name, fmt in EXPORTS:
        response = client.get(_url(name, fmt))
        assert b"Secret pin" not in response.get_data(), (name, fmt)
    _r, path = _download(client, tmp_path, "ideas", "gpkg")
    assert [int(i) for i in _read(path)[2]["id"]] == shown
    response = client.get("/api/export/clusters.geojson?eps=100&min_points=1")
    (cluster,) = response.get_json()["features"]
    assert cluster["properties"]["idea_ids"] == str(shown[0])
    _r, path = _download(client, tmp_path, "hexgrid", "gpkg")
    assert sum(int(c) for c in _read(path)[2]["count"]) == 1
    _r, path = _download(client, tmp_path, "districts", "csv")
    assert sum(int(c) for c in _read(path)[2]["count"]) == 1


@pytest.mark.parametrize(("name", "fmt"), EXPORTS)
def test_every_export_takes_the_filters(app, client, tmp_path, name, fmt):
    specs = varied_specs(random_points(30, seed=51, box=CITY), seed=51)
    add_pins(app, specs)
    concerns = sum(s["kind"] == "concern" for s in specs)
    _r, path = _download(client, tmp_path, name, fmt, "kind=concern")
    _meta, geometries, fields = _read(path)
    if name == "ideas":
        assert len(geometries) == concerns
        assert set(fields["kind"]) == {"concern"}
    else:
        total = sum(int(c) for c in fields["count"])
        assert total == concerns


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        (
            "/api/export/ideas.geojson?crs=3006",
            "crs",
            "GeoJSON is always WGS 84 (RFC 7946): crs=3006 is for CSV and GeoPackage.",
        ),
        (
            "/api/export/ideas.csv?crs=3857",
            "crs",
            "crs must be 4326 (WGS 84) or 3006 (SWEREF 99 TM).",
        ),
        (
            "/api/export/districts.gpkg?crs=",
            "crs",
            "crs must be 4326 (WGS 84) or 3006 (SWEREF 99 TM).",
        ),
        (
            "/api/export/clusters.gpkg?eps=6000",
            "eps",
            "eps must be a distance in metres from 1 to 5,000.",
        ),
        (
            "/api/export/clusters.geojson?min_points=0",
            "min_points",
            "min_points must be a whole number from 1 to 1,000.",
        ),
        (
            "/api/export/hexgrid.gpkg?size=5",
            "size",
            "size must be a whole number from 10 to 20,000.",
        ),
        ("/api/export/ideas.csv?kind=bike", "kind", "Unknown value for kind: bike"),
    ],
)
def test_export_parameters_are_checked(client, url, field, message):
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["message"]) == (field, message)


def _export_workspaces():
    return {p.name for p in Path(tempfile.gettempdir()).glob("umecom-export-*")}


def test_the_geopackage_leaves_no_temporary_file(client, tmp_path, pins):
    before = _export_workspaces()
    _download(client, tmp_path, "ideas", "gpkg")
    unread = client.get("/api/export/districts.gpkg")
    unread.close()  # a client that hangs up before reading
    assert _export_workspaces() == before


@pytest.mark.parametrize("crs", [4326, 3006])
def test_gpkg_spatial_index_holds_every_pin_across_batches(app, tmp_path, pins, crs):
    """Batches of 7 rows: the R-tree GDAL builds in its one pass holds every feature, each
    in a box around its point (32-bit floats, rounded outward), and the rows keep pin order."""
    path = tmp_path / "ideas.gpkg"
    with app.app_context():
        written = write_gpkg(
            get_session(),
            pin_export(parse_filters({})),
            path,
            layer="ideas",
            geometry_type="Point",
            crs=crs,
            order_by="id",
            batch_rows=7,
        )
    assert written == len(pins) > 7 * 8
    assert [p.name for p in tmp_path.iterdir()] == ["ideas.gpkg"]  # the scratch file is gone
    meta, fids, wkb, fields = pyogrio.raw.read(path, return_fids=True)
    assert [int(i) for i in fields[meta["fields"].tolist().index("id")]] == sorted(pins)
    points = dict(zip(fids.tolist(), shapely.from_wkb(wkb), strict=True))
    with sqlite3.connect(path) as db:
        assert db.execute(
            "SELECT table_name, column_name FROM gpkg_extensions "
            "WHERE extension_name = 'gpkg_rtree_index'"
        ).fetchall() == [("ideas", "geom")]
        boxes = db.execute("SELECT id, minx, maxx, miny, maxy FROM rtree_ideas_geom").fetchall()
    assert sorted(b[0] for b in boxes) == sorted(points)
    for fid, minx, maxx, miny, maxy in boxes:
        point = points[fid]
        assert minx <= point.x <= maxx and maxx - minx <= 2 * np.spacing(np.float32(point.x))
        assert miny <= point.y <= maxy and maxy - miny <= 2 * np.spacing(np.float32(point.y))


def _typed_rows(*rows):
    """A VALUES list of one column of each SQL type a GeoPackage field is made from."""
    columns = (
        column("n", Integer), column("ok", Boolean), column("share", Float),
        column("amount", Numeric), column("at", DateTime(timezone=True)),
        column("day", Date), column("title", String),
    )  # fmt: skip
    table = values(*columns, name="typed").data(list(rows))
    point = func.ST_SetSRID(func.ST_MakePoint(20.26 + table.c.n / 1000, 63.82), 4326)
    return select(*table.c, point.label("geom"))


def test_gpkg_fields_keep_their_types_values_and_nulls(app, tmp_path):
    """Each SQL type as a GeoPackage field, NULLs and instants before 1970 too, across batches."""
    rows = _typed_rows(
        (1, True, 0.5, Decimal("2.25"), datetime(2026, 12, 5, 11, 43, 10, 434567, UTC),
         date(2026, 12, 6), "Ålidhem <b>fet</b>"),
        (2, None, None, None, None, None, None),
        # Not within the last second before 1970: GDAL 3.12 writes those as 1970 itself.
        (3, False, -1.0, Decimal(0), datetime(1960, 1, 1, 0, 0, 0, 123000, UTC),
         date(1960, 1, 1), ""),
    )  # fmt: skip
    path = tmp_path / "typed.gpkg"
    with app.app_context():
        written = write_gpkg(
            get_session(), rows, path, layer="typed", geometry_type="Point", order_by="n",
            batch_rows=2,
        )  # fmt: skip
    assert written == 3
    with sqlite3.connect(path) as db:
        declared = db.execute("SELECT sql FROM sqlite_master WHERE name = 'typed'").fetchone()[0]
        stored = db.execute("SELECT n, ok, share, amount, at, day, title FROM typed").fetchall()
    assert re.findall(r'"(\w+)" (\w+)', declared)[2:] == [
        ("n", "INTEGER"), ("ok", "BOOLEAN"), ("share", "REAL"), ("amount", "REAL"),
        ("at", "DATETIME"), ("day", "DATE"), ("title", "TEXT"),
    ]  # fmt: skip
    assert stored == [
        (1, 1, 0.5, 2.25, "2026-12-05T11:43:10.434Z", "2026-12-06", "Ålidhem <b>fet</b>"),
        (2, None, None, None, None, None, None),
        (3, 0, -1.0, 0.0, "1960-01-01T00:00:00.123Z", "1960-01-01", ""),
    ]


def test_gpkg_refuses_a_column_of_no_known_type(app, tmp_path):
    rows = select(
        func.array_agg(literal(1)).label("list"),
        func.ST_SetSRID(func.ST_MakePoint(20.26, 63.82), 4326).label("geom"),
    )
    with app.app_context(), pytest.raises(TypeError, match="column 'list' needs a known SQL"):
        write_gpkg(get_session(), rows, tmp_path / "x.gpkg", layer="x", geometry_type="Point")


def test_gpkg_has_a_length_and_its_media_type(client, pins):
    response = client.get("/api/export/ideas.gpkg")
    assert response.mimetype == "application/geopackage+sqlite3"
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert pyogrio.list_layers


@pytest.mark.parametrize(
    "path", ["clusters.csv", "hexgrid.csv", "ideas.xlsx", "nothing.geojson", "ideas.GEOJSON"]
)
def test_an_export_not_offered_is_not_found(client, path):
    response = client.get(f"/api/export/{path}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("fmt", "start"), [("geojson", b'{"type":"FeatureCollection"'),
                                             ("csv", b"\xef\xbb\xbfid;kind;")])  # fmt: skip
def test_an_export_left_midway_frees_its_connection(app, client, test_database_url, fmt, start):
    """Pipelined rows: a client hanging up cancels the statement; nothing is left running."""
    seed_unfolded_pins(app, 6000)
    response = client.get(f"/api/export/ideas.{fmt}", buffered=False)
    chunks = iter(response.response)
    assert next(chunks).startswith(start)
    next(chunks)  # the first 2,000 pins: the rest still to come
    response.close()
    # The cancelled statement's connection is closed (app/db.py, _close_when_cancelled), and
    # its backend ends a moment after.
    assert wait_until_no_app_transaction(test_database_url, seconds=5) == []
    whole = client.get(f"/api/export/ideas.{fmt}").get_data(as_text=True)
    if fmt == "geojson":
        body = json.loads(whole)
        assert body["numberReturned"] == len(body["features"]) == 6000
    else:
        assert len(list(csv.reader(io.StringIO(whole), delimiter=";"))) == 1 + 6000


def test_an_export_runs_under_its_own_statement_timeout(make_app, app):
    """EXPORT_STATEMENT_TIMEOUT_MS, not the app's, bounds the one statement of an export."""
    seed_unfolded_pins(app, 3000, seed=6)
    hasty = make_app(EXPORT_STATEMENT_TIMEOUT_MS=1).test_client()
    before = _export_workspaces()
    for fmt in ("geojson", "csv", "gpkg"):
        response = hasty.get(f"/api/export/ideas.{fmt}", headers={"Accept-Language": "en"})
        assert response.status_code == 503, response.get_data()[:200]
    assert _export_workspaces() == before  # the GeoPackage's half-written files are gone
    patient = make_app(DB_STATEMENT_TIMEOUT_MS=30_000, EXPORT_STATEMENT_TIMEOUT_MS=90_000)
    with patient.app_context():
        session = get_session()
        assert session.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
        with_export_timeout(session)
        assert session.execute(text("SHOW statement_timeout")).scalar_one() == "90s"
        session.rollback()  # for this transaction only
        assert session.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
        session.close()
