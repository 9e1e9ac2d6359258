"""The planners' pages, third review, in the browser: saving one form keeps what was typed in
the others; the map's district outlines are one Tab stop that arrow keys go through; the pin
page and the report have unique, complete landmarks; the district table's per 1,000 column
fits beside the map once populations are known."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import text

from app.db import get_engine
from tests.browser.conftest import BrowserLog, sign_out_in_another_tab
from tests.browser.test_accessibility import (
    axe_page,
    moderated_pin,
    pins,
    sign_in_as,
    violations,
)
from tests.browser.test_workspace import wait_ready
from tests.conftest import PASSWORD, create_user, populations_put_back

__all__ = ["axe_page", "moderated_pin", "pins"]  # fixtures, shared with other test files

# Best practice rules beside WCAG's, which the suite's axe run (WCAG tags) leaves out: screen
# reader users move by landmarks, so each has its own name and every part of a page is in one.
LANDMARK_RULES = ["landmark-unique", "landmark-one-main", "region"]
RUN_LANDMARK_RULES = """rules => axe.run(document, {runOnly: {type: 'rule', values: rules},
                                    resultTypes: ['violations']})
  .then(result => result.violations.flatMap(v => v.nodes.map(node =>
    `${v.id}: ${JSON.stringify(node.target)}`)))"""


def landmark_violations(page: Page) -> list[str]:
    """axe's landmark rules, run on the page as it is now (axe injected by `violations`)."""
    return list(page.evaluate(RUN_LANDMARK_RULES, LANDMARK_RULES))


KEPT = "Not saved yet: what you typed here is still in the fields. Save it when it is ready."
MAP_KEYS = (
    "The outlines on the map are one stop of the Tab key: the arrow keys go to the next or the "
    "previous one, and the map moves to show it. Enter or Space chooses it."
)


def swedish(app: Flask, message: str) -> str:
    """A message as the Swedish pages say it (new messages: as the catalog has them)."""
    with app.test_request_context(), force_locale("sv"):
        return gettext(message)


# 1. Saving one form keeps the others' drafts.


def test_a_note_added_keeps_the_answer_typed_but_not_saved(
    page: Page, app: Flask, moderated_pin: int
) -> None:
    sign_in_as(page, "eva@umea.se", "sv")
    page.goto(f"/planner/ideas/{moderated_pin}")
    page.fill("#answer-text", "Ett genomtänkt svar, inte sparat än.")
    page.select_option("#category-choice", "traffic")
    page.fill("#note-body", "Ring gatukontoret.")
    page.get_by_role("button", name="Lägg till anteckningen").click()

    # The note is saved and said; the page shows it, and its own field is empty again.
    notice = page.locator("#notice")
    expect(notice).to_have_text("Anteckningen lades till.")
    expect(notice).to_be_focused()
    expect(page.locator("ul.notes")).to_contain_text("Ring gatukontoret.")
    expect(page.locator("#note-body")).to_have_value("")
    # What was typed elsewhere is back, and says it is not saved yet.
    expect(page.locator("#answer-text")).to_have_value("Ett genomtänkt svar, inte sparat än.")
    expect(page.locator("#category-choice")).to_have_value("traffic")
    answer = page.get_by_role("form", name="Status och svar")
    expect(answer.locator(".api-form__kept")).to_be_visible()
    expect(answer.locator(".api-form__kept")).to_have_text(swedish(app, KEPT))
    expect(page.get_by_role("form", name="Ny anteckning").locator(".api-form__kept")).to_be_hidden()

    # Saved in turn, the answer is the page's own: the other draft stays, this one's note goes.
    answer.get_by_role("button", name="Spara status och svar").click()
    expect(notice).to_have_text("Status och svar sparades.")
    expect(page.locator("#answer-text")).to_have_value("Ett genomtänkt svar, inte sparat än.")
    expect(answer.locator(".api-form__kept")).to_be_hidden()
    expect(page.locator("#category-choice")).to_have_value("traffic")
    expect(page.get_by_role("form", name="Kategori").locator(".api-form__kept")).to_be_visible()

    # A reload of the planner's own, later, has nothing left to put back.
    page.reload()
    expect(page.locator("#category-choice")).to_have_value("parks-nature")
    expect(page.locator(".api-form__kept:visible")).to_have_count(0)


def test_saving_one_template_keeps_the_draft_of_another(
    page: Page, app: Flask, moderated_pin: int
) -> None:
    sign_in_as(page, "eva@umea.se", "sv")
    page.goto("/planner/templates")
    page.fill("#template-planned-sv", "Mall för planerad – utkast")
    page.fill("#template-done-sv", "Mall för klar")
    done = page.get_by_role("form", name="Klart", exact=True)
    done.get_by_role("button", name=re.compile("^Spara mallen")).click()

    expect(page.locator("#notice")).to_have_text("Mallen sparades.")
    expect(page.locator("#template-done-sv")).to_have_value("Mall för klar")
    expect(done.locator(".api-form__kept")).to_be_hidden()
    expect(page.locator("#template-planned-sv")).to_have_value("Mall för planerad – utkast")
    planned = page.get_by_role("form", name="Planerad", exact=True)
    expect(planned.locator(".api-form__kept")).to_have_text(swedish(app, KEPT))


def test_signed_out_meanwhile_the_other_forms_drafts_come_back_too(
    page: Page, app: Flask, moderated_pin: int, browser_log: BrowserLog
) -> None:
    """The form sent is put back to send again; another form's draft is back, said unsaved."""
    browser_log.allow(401)  # the note sent after signing out, on purpose
    sign_in_as(page, "eva@umea.se", "sv")
    page.goto(f"/planner/ideas/{moderated_pin}")
    page.fill("#answer-text", "Svar skrivet före utloggningen.")
    page.fill("#note-body", "Anteckning skickad efter utloggningen.")
    sign_out_in_another_tab(page)

    page.get_by_role("button", name="Lägg till anteckningen").click()
    page.locator("form:has(#note-body) .form-error").get_by_role("link").click()
    page.fill("#email", "eva@umea.se")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    expect(page).to_have_url(re.compile(f"/planner/ideas/{moderated_pin}$"))
    expect(page.locator("#note-body")).to_have_value("Anteckning skickad efter utloggningen.")
    expect(page.locator("#note-body")).to_be_focused()
    expect(page.locator("#answer-text")).to_have_value("Svar skrivet före utloggningen.")
    answer = page.get_by_role("form", name="Status och svar")
    expect(answer.locator(".api-form__kept")).to_have_text(swedish(app, KEPT))


# 2. The map's outlines: one Tab stop, arrow keys between them, each shown when focused.

FOCUSED = """() => {
  const node = document.activeElement;
  const box = node.getBoundingClientRect();
  const map = document.getElementById('pw-map').getBoundingClientRect();
  const inside = box.width > 0 && box.height > 0 && box.left < map.right && box.right > map.left
      && box.top < map.bottom && box.bottom > map.top;
  return {label: node.getAttribute('aria-label'), inMap: !!node.closest('#pw-map'),
          district: node.classList.contains('pw-district'), visible: inside};
}"""


def test_the_map_outlines_are_one_tab_stop_gone_through_with_arrow_keys(
    page: Page, app: Flask, pins: list[int]
) -> None:
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    wait_ready(page)
    outlines = page.locator("path.pw-district")
    districts = outlines.count()
    assert districts > 100
    expect(page.locator("path.pw-district[tabindex='0']")).to_have_count(1)
    expect(page.locator("path.pw-district[tabindex='-1']")).to_have_count(districts - 1)
    expect(outlines.first).to_have_accessible_description(swedish(app, MAP_KEYS))

    # From the map, one Tab to an outline, then out of the map within a few more (its zoom
    # buttons and credits): 125 Tabs before.
    page.locator("#pw-map").focus()
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["district"] and first["visible"], first
    tabs = 1
    while page.evaluate(FOCUSED)["inMap"]:
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs < 10, page.evaluate(FOCUSED)

    # Arrow keys go through all of them, in the order of their names, each focused where it
    # can be seen: the map moves to those outside the view.
    page.locator("path.pw-district[tabindex='0']").focus()
    seen = [page.evaluate(FOCUSED)]
    for _ in range(districts - 1):
        page.keyboard.press("ArrowRight")
        expect(page.locator("path.pw-district[tabindex='0']")).to_be_focused()
        page.wait_for_function(f"({FOCUSED})().visible")
        seen.append(page.evaluate(FOCUSED))
    names = [entry["label"].split(":")[0] for entry in seen]
    by_name = page.evaluate(
        "names => [...names].sort((a, b) => a.localeCompare(b, 'sv', {numeric: true}))", names
    )
    assert names == by_name
    page.keyboard.press("ArrowRight")  # after the last, the first again
    expect(page.locator(f"path.pw-district[aria-label^='{names[0]}:']")).to_be_focused()
    page.keyboard.press("End")
    expect(page.locator(f"path.pw-district[aria-label^='{names[-1]}:']")).to_be_focused()
    page.keyboard.press("Home")
    expect(page.locator(f"path.pw-district[aria-label^='{names[0]}:']")).to_be_focused()

    # Enter chooses the focused one, which keeps the Tab stop.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.locator("#pw-sel-title")).to_have_text(f"Stadsdelen {names[-1]}")
    stop = page.locator("path.pw-district[tabindex='0']")
    expect(stop).to_have_count(1)
    expect(stop).to_have_attribute("aria-label", re.compile(f"^{re.escape(names[-1])}:"))


# 3. Landmarks: each named once; the report's parts all in one.


@pytest.mark.parametrize("email", ["eva@umea.se", "moa@umea.se"])  # a planner, an admin
def test_the_pin_page_names_each_landmark_once(
    axe_page: Page, moderated_pin: int, email: str
) -> None:
    sign_in_as(axe_page, email, "sv")
    axe_page.goto(f"/planner/ideas/{moderated_pin}")
    axe_page.wait_for_selector("#pin-map[data-ready='true']")
    assert violations(axe_page) == []
    assert landmark_violations(axe_page) == []
    history = axe_page.get_by_role("region", name="Historik")
    expect(history).to_have_count(1)
    expect(history.get_by_role("table")).to_be_visible()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_report_is_all_in_landmarks(
    axe_page: Page, app: Flask, pins: list[int], central_population: None, lang: str
) -> None:
    create_user(app, "rut@umea.se", "planner")
    sign_in_as(axe_page, "rut@umea.se", lang)
    axe_page.goto("/planner/report?layers=districts,clusters&min_points=2")
    axe_page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    assert violations(axe_page) == []
    assert landmark_violations(axe_page) == []
    main = axe_page.get_by_role("main")
    expect(main.locator(".folium-map .leaflet-control-layers")).to_have_count(1)
    expect(main.locator(".report-legend")).to_have_count(1)
    expect(main.get_by_role("table")).to_have_count(1)


# 4. The district table beside the map, with populations loaded.

# Each cell of the district table whose content is wider than the cell, and the table's width
# beside that of its scrolling box.
CLIPPED = """() => {
  const table = document.getElementById('pw-district-table');
  const cells = [...table.querySelectorAll('th, td')];
  const clipped = cells.filter((cell) => {
    const inner = cell.querySelector('button') || cell;
    return inner.scrollWidth > inner.clientWidth + 1 || cell.scrollWidth > cell.clientWidth + 1;
  }).map((cell) => cell.innerText);
  const width = table.getBoundingClientRect().width;
  return {width, box: table.parentElement.clientWidth, clipped};
}"""


@pytest.fixture
def populations(app: Flask, tmp_path: Path) -> Iterator[None]:
    """Three districts' populations loaded as an administrator loads them (the CLI); the rest
    stay unknown ("no data" in their rows). Put back afterwards: districts last the session."""
    with populations_put_back(app):
        with app.app_context(), get_engine().begin() as conn:
            codes = conn.execute(text("SELECT code FROM districts ORDER BY code LIMIT 3")).scalars()
            central = conn.execute(
                text("SELECT code FROM districts WHERE name = 'Centrala stan'")
            ).scalar_one()
        rows = [f"{central};217"] + [f"{code};12000" for code in codes if code != central]
        csv = tmp_path / "population.csv"
        csv.write_text("code;population\n" + "\n".join(rows) + "\n", encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["districts", "population", str(csv)])
        assert result.exit_code == 0, result.output
        yield


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_per_1000_column_fits_beside_the_map(
    page: Page, app: Flask, pins: list[int], populations: None, lang: str
) -> None:
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", lang)
    wait_ready(page)
    header = page.locator("#pw-district-table th[data-sort=per_1000] button")
    name = "Per 1 000 invånare" if lang == "sv" else "Per 1,000 residents"
    expect(header).to_have_accessible_name(name)
    expect(page.locator("#pw-district-table tbody tr").first.locator("td")).to_have_count(2)
    for width in (1280, 1366, 1536, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        fit = page.evaluate(CLIPPED)
        assert fit["width"] <= fit["box"], (width, fit)
        assert fit["clipped"] == [], (width, fit)
