"""The catalogs: every UI string has a Swedish translation, and the catalogs match the code."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app.config import PROJECT_DIR

TRANSLATIONS = PROJECT_DIR / "app" / "translations"


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_swedish_catalog_is_complete():
    untranslated = [
        message.id
        for message in _catalog("sv")
        if message.id
        and (
            "fuzzy" in message.flags
            or not (message.string if isinstance(message.string, str) else all(message.string))
        )
    ]
    assert untranslated == []


def test_catalogs_hold_every_string_in_the_code(tmp_path: Path):
    """Re-extracting finds no string that the catalogs lack (run `make i18n-extract`)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for locale in ("sv", "en"):
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(locale) if m.id}
        assert extracted - known == set(), locale


def test_every_singular_for_the_scripts_has_its_plural():
    """`t(key, {n: 1})` takes `key + "One"` (static/js/lib/settings.js): a singular without its
    key would never be shown, and a singular that counts is not one."""
    from app.citizen.js_strings import STRINGS as CITIZEN
    from app.planner.js_strings import STRINGS as PLANNER
    from app.planner.workspace_strings import STRINGS as WORKSPACE
    from app.workshop.js_strings import STRINGS as WORKSHOP

    singulars = 0
    for strings in (CITIZEN, PLANNER, WORKSPACE, WORKSHOP):
        for key, text in strings.items():
            if key.endswith("One"):
                singulars += 1
                assert key.removesuffix("One") in strings, key
                assert "{n}" not in str(text), key
    assert singulars >= 5


def test_counts_are_placeholders_the_language_writes():
    """A count or limit is `%(n)s`, filled with the language's digits ("5 000", "5,000": see
    app/errors.py `translated`, templates' `numberformat`). Only numbers that name a thing (a
    pin, an annotation, an EPSG code) keep `%(id)d`, as written."""
    named_by_number = {"id", "original", "crs", "wgs84", "sweref"}
    as_digits = [
        message.id
        for message in _catalog("en")
        for text in ([message.id] if isinstance(message.id, str) else message.id)
        if text and set(re.findall(r"%\((\w+)\)d", text)) - named_by_number
    ]
    assert as_digits == []
