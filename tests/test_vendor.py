"""Browser libraries come from npm at the locked versions, each with its licence beside it."""

import json

from app.config import PROJECT_DIR

VENDOR = PROJECT_DIR / "static" / "vendor"


def test_every_vendored_library_carries_its_licence():
    folders = sorted(p for p in VENDOR.iterdir() if p.is_dir())
    assert {p.name for p in folders} >= {"leaflet", "markercluster", "geoman"}
    for folder in folders:
        licences = [p for p in folder.iterdir() if "LICEN" in p.name.upper()]
        assert licences, f"{folder.name} has no licence file"
    assert "MIT License" in (VENDOR / "geoman" / "LICENSE").read_text(encoding="utf-8")


def test_geoman_is_pinned_and_locked_at_one_version():
    package = json.loads((PROJECT_DIR / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((PROJECT_DIR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["@geoman-io/leaflet-geoman-free"]
    locked = lock["packages"]["node_modules/@geoman-io/leaflet-geoman-free"]["version"]
    assert pinned == locked
    assert (VENDOR / "geoman" / "leaflet-geoman.min.js").is_file()
