"""static/js/: native ES modules in folders by concern, importing each other by bare specifiers.

The import map in templates/base.html maps `umecom/` to static/js/. A relative import would
work too, but would make the map's prefix a lie and break when a file moves; a specifier that
names no file would only fail in a browser, so both are caught here.
"""

import re

from app.config import PROJECT_DIR

JS = PROJECT_DIR / "static" / "js"
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']""", re.M | re.S)
PREFIX = "umecom/"


def _modules():
    return sorted(JS.rglob("*.js"))


def test_modules_sit_in_folders_by_concern():
    folders = {path.relative_to(JS).parts[0] for path in _modules()}
    assert all(len(path.relative_to(JS).parts) == 2 for path in _modules()), "no loose files"
    assert folders <= {"lib", "map", "citizen", "planner", "workshop"}


def test_every_import_is_a_bare_specifier_that_names_a_module():
    seen = 0
    for path in _modules():
        for specifier in IMPORT.findall(path.read_text(encoding="utf-8")):
            seen += 1
            where = f"{path.relative_to(JS)} imports {specifier!r}"
            assert specifier.startswith(PREFIX), where
            assert (JS / specifier.removeprefix(PREFIX)).is_file(), where
    assert seen > 10


def test_shared_folders_do_not_reach_into_pages():
    """lib/ and map/ serve every page (citizen, planner, workshop), so they import no page code."""
    for folder, allowed in (("lib", ("lib/",)), ("map", ("lib/", "map/"))):
        for path in (JS / folder).rglob("*.js"):
            for specifier in IMPORT.findall(path.read_text(encoding="utf-8")):
                target = specifier.removeprefix(PREFIX)
                assert target.startswith(allowed), f"{path.relative_to(JS)} imports {specifier}"
