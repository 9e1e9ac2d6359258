"""The clusters and hexagons layers carry a validator of the pins' version and the question:
a 304 while neither has changed, the layer computed again after any pin has."""

from __future__ import annotations

import pytest

from app.api import layers
from tests.pins import add_pins, set_columns

CLUSTERS = "/api/layers/clusters?eps=50&min_points=2"
HEXAGONS = "/api/layers/hexgrid?size=500"
PLACES = [(20.22, 63.825), (20.26, 63.825)]


def _three_pins_at(place: tuple[float, float]) -> list[dict[str, float]]:
    lon, lat = place
    return [{"lon": lon + 0.0001 * k, "lat": lat} for k in range(3)]


def _counted(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return sum(f["properties"]["count"] for f in response.get_json()["features"])


@pytest.mark.parametrize("path", [CLUSTERS, HEXAGONS])
def test_an_unchanged_layer_is_a_304_and_any_changed_pin_computes_it_again(app, client, path):
    add_pins(app, _three_pins_at(PLACES[0]) + _three_pins_at(PLACES[1]))
    first = client.get(path)
    assert _counted(first) == 6
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"

    again = client.get(path, headers={"If-None-Match": etag})
    assert (again.status_code, again.get_data(), again.headers["ETag"]) == (304, b"", etag)
    other_question = client.get(f"{path}&kind=concern", headers={"If-None-Match": etag})
    assert _counted(other_question) == 0

    added = add_pins(app, _three_pins_at((20.30, 63.825)))
    changed = client.get(path, headers={"If-None-Match": etag})
    assert _counted(changed) == 9 and changed.headers["ETag"] != etag
    set_columns(app, added, visibility="hidden")
    hidden = client.get(path, headers={"If-None-Match": changed.headers["ETag"]})
    assert _counted(hidden) == 6
    assert hidden.headers["ETag"] not in (etag, changed.headers["ETag"])


def test_a_304_finds_no_clusters(app, client, monkeypatch):
    add_pins(app, _three_pins_at(PLACES[0]))
    etag = client.get(CLUSTERS).headers["ETag"]

    def refuse(*_args, **_kwargs):
        raise AssertionError("the clusters were found again")

    monkeypatch.setattr(layers, "cluster_layer", refuse)
    assert client.get(CLUSTERS, headers={"If-None-Match": etag}).status_code == 304


def test_a_refused_question_has_no_validator(client):
    refused = client.get("/api/layers/clusters?eps=0")
    assert refused.status_code == 422 and "ETag" not in refused.headers
