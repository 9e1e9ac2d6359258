"""`flask demo pins`: pins where people live (`--spread population`), reproducible, all
valid, and counted by the planner at once."""

from sqlalchemy import text

from app.db import get_engine

UMEA = (20.255816, 63.830665)  # SCB's point of the locality Umeå (92,000 residents)
BOTSMARK = (20.243216, 64.253653)  # 202 residents


def _scalar(app, sql, **params):
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def _near(app, lon_lat, metres):
    return _scalar(
        app,
        "SELECT count(*) FROM ideas WHERE ST_DWithin(geom::geography,"
        " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :m)",
        lon=lon_lat[0],
        lat=lon_lat[1],
        m=metres,
    )


def test_population_spread_crowds_the_centre_inside_the_municipality(runner, app):
    result = runner.invoke(args=["demo", "pins", "4000", "--spread", "population", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "Added 4000 demo pins." in result.output
    assert _scalar(app, "SELECT count(*) FROM ideas WHERE visibility = 'published'") == 4000
    outside = _scalar(
        app,
        "SELECT count(*) FROM ideas i WHERE i.district_id IS NULL OR NOT EXISTS"
        " (SELECT 1 FROM districts d WHERE d.id = i.district_id AND ST_Covers(d.geom, i.geom))",
    )
    assert outside == 0
    umea, botsmark = _near(app, UMEA, 1000), _near(app, BOTSMARK, 1000)
    assert umea > 10 * max(botsmark, 1)
    # Uniform pins would put about 4 within 1 km of Umeå's centre; here the centre crowds.
    assert umea > 100


def test_population_spread_is_reproducible_with_a_seed(runner, app):
    for _ in range(2):
        result = runner.invoke(args=["demo", "pins", "500", "--spread", "population"])
        assert result.exit_code == 0, result.output
    places = (
        "SELECT array_agg(ST_AsText(geom) ORDER BY ST_AsText(geom)) FROM"
        " (SELECT geom FROM ideas ORDER BY id {} LIMIT 500) AS batch"
    )
    first = _scalar(app, places.format("ASC"))
    assert len(first) == 500
    assert first == _scalar(app, places.format("DESC"))


def test_unknown_spread_is_refused(runner):
    result = runner.invoke(args=["demo", "pins", "10", "--spread", "everywhere"])
    assert result.exit_code == 2
    assert "'everywhere' is not one of 'uniform', 'population'" in result.output


def test_the_planner_counts_the_pins_just_added(runner, app):
    """The suite empties its tables by deleting rows, and autovacuum may then record them as
    empty: a statement planned on that before autovacuum came back ran for minutes. The
    command analyses the pins it added (app/demo.py, analyze_pins)."""
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("ANALYZE ideas"))  # as autovacuum would see it between two tests
    assert _scalar(app, "SELECT reltuples FROM pg_class WHERE relname = 'ideas'") == 0
    result = runner.invoke(args=["demo", "pins", "3000"])
    assert result.exit_code == 0, result.output
    assert _scalar(app, "SELECT reltuples FROM pg_class WHERE relname = 'ideas'") == 3000
