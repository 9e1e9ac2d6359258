"""The facilitator's view, the projector and the summary in a real browser: pausing, making
pins, closing, drawing for someone from a paper map, hiding; the wall display."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.workshops import (
    annotations,
    draw_area,
    facilitate_in_browser,
    join_in_browser,
    shapes,
    wait_for_map,
    workshop,
)
from tests.workshops.helpers import draw, join, shape


def test_pause_promote_and_close(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    bo = join(app, body, "Bo")
    first = draw(bo, wid, shape("Point", note="Ett övergångsställe här", category="traffic"))
    second = draw(bo, wid, shape("Polygon", note="Mer grönska i parken", category="parks-nature"))
    lead, anna = open_page(), open_page()
    facilitate_in_browser(lead, body)
    join_in_browser(anna, body["join_code"], "Anna")
    expect(shapes(anna)).to_have_count(2)

    # Pause: the participant's tools are disabled, with a visible notice.
    lead.click("#ws-state-pause")
    notice = anna.locator("#ws-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(
        "Samtalsledaren har pausat ritandet. Du kan titta men inte rita just nu."
    )
    for kind in ("Point", "LineString", "Polygon"):
        expect(anna.locator(f"[data-draw='{kind}']")).to_be_disabled()
    expect(anna.locator("#ws-undo")).to_be_disabled()
    expect(lead.locator("#ws-state-now")).to_have_text("Pausad: bara samtalsledaren kan rita")
    expect(lead.locator("[data-draw='Polygon']")).to_be_enabled()  # the facilitator still can
    lead.click("#ws-state-open")
    expect(notice).to_be_hidden()
    expect(anna.locator("[data-draw='Polygon']")).to_be_enabled()

    # Two drawings become pins; the links lead to them.
    expect(lead.locator("#ws-promote-submit")).to_be_disabled()
    lead.check(f"#ws-pick-{first.get_json()['id']}")
    lead.check(f"#ws-pick-{second.get_json()['id']}")
    expect(lead.locator("#ws-promote-submit")).to_have_text(
        "Gör nålar av de markerade ritningarna (2)"
    )
    lead.click("#ws-promote-submit")
    links = lead.locator("#ws-promote-result a")
    expect(links).to_have_count(2)
    expect(links.first).to_have_text("Ett övergångsställe här")
    pins = facilitator.get(f"/api/ideas?workshop={wid}").get_json()["features"]
    assert sorted(p["properties"]["title"] for p in pins) == [
        "Ett övergångsställe här",
        "Mer grönska i parken",
    ]
    assert {p["properties"]["category"] for p in pins} == {"traffic", "parks-nature"}
    assert all(p["properties"]["source"] == "workshop" for p in pins)
    assert links.first.get_attribute("href") == f"/ideas/{min(p['id'] for p in pins)}"
    expect(lead.locator(f"#ws-pick-{first.get_json()['id']}")).to_be_disabled()

    # Closing asks first; then everyone is read-only.
    lead.click("#ws-state-close")
    expect(lead.locator("#ws-close-confirm")).to_be_visible()
    expect(lead.locator("#ws-close-no")).to_be_focused()
    lead.click("#ws-close-yes")
    expect(notice).to_have_text("Verkstaden är stängd. Kartan kan läsas men inte ändras.")
    for kind in ("Point", "LineString", "Polygon"):
        expect(anna.locator(f"[data-draw='{kind}']")).to_be_disabled()
    expect(lead.locator("[data-draw='Polygon']")).to_be_disabled()
    expect(lead.locator("#ws-state-now")).to_have_text("Stängd: bara läsning")
    expect(shapes(anna)).to_have_count(2)


def test_the_promotion_refused_is_shown(app, open_page, browser_log):
    browser_log.allow(422)
    _facilitator, body = workshop(app)
    bo = join(app, body, "Bo")
    drawn = draw(bo, body["id"], shape("Point", note="Utan kategori")).get_json()
    lead = open_page()
    facilitate_in_browser(lead, body)
    lead.check(f"#ws-pick-{drawn['id']}")
    lead.click("#ws-promote-submit")
    expect(lead.locator("#ws-promote-error")).to_have_text(
        "Ritningen ”Punkt, av Bo: Utan kategori” har ingen kategori: ge den en, bocka ur den "
        "eller välj en kategori för alla ritningarna."
    )
    expect(lead.locator("#ws-promote-error")).to_be_focused()
    lead.select_option("#ws-promote-category", "safety")
    lead.click("#ws-promote-submit")
    expect(lead.locator("#ws-promote-result a")).to_have_count(1)


def test_drawing_for_someone_from_a_paper_map_and_hiding(app, open_page):
    facilitator, body = workshop(app, groups=["Bord 1", "Bord 2"])
    lead, anna = open_page(), open_page()
    facilitate_in_browser(lead, body)
    join_in_browser(anna, body["join_code"], "Anna")
    draw_area(lead)
    expect(lead.locator("#ws-behalf")).to_be_focused()
    lead.fill("#ws-note", "Från pappret")
    lead.click("#ws-save")
    expect(lead.locator("#ws-behalf-error")).to_have_text("Skriv vems ritning det är.")
    lead.fill("#ws-behalf", "Gunnar")
    lead.select_option("#ws-behalf-group", label="Bord 2")
    lead.click("#ws-save")
    expect(lead.locator("#ws-form-panel")).to_be_hidden()
    expect(shapes(anna)).to_have_count(1)
    [stored] = annotations(facilitator, body["id"])
    assert stored["properties"]["on_behalf"] is True
    assert stored["properties"]["author_name"] == "Gunnar"
    assert stored["properties"]["group"] == "Bord 2"
    expect(lead.locator("#ws-list")).to_contain_text("av Gunnar (inlagd från papper)")

    # Hide it: gone for the participant, greyed for the facilitator; then shown again.
    lead.click(f"#ws-open-{stored['id']}")
    lead.click("#ws-detail-hide")
    expect(shapes(anna)).to_have_count(0)
    expect(lead.locator(".ws-shape--hidden")).to_have_count(1)
    expect(lead.locator("#ws-detail-hide")).to_have_text("Visa för alla igen")
    lead.click("#ws-detail-hide")
    expect(shapes(anna)).to_have_count(1)


def test_the_projector_shows_the_code_and_new_drawings(app, open_page):
    facilitator, body = workshop(app)
    lead = open_page()
    facilitate_in_browser(lead, body)
    lead.goto(f"/workshops/{body['id']}/projector")
    wait_for_map(lead)
    expect(lead.locator("#ws-join-code")).to_have_text(body["join_code"])
    expect(lead.locator("#ws-join-qr svg[role='img']")).to_have_count(1)
    expect(lead.locator("header")).to_be_hidden()
    expect(lead.locator(".leaflet-control-zoom")).to_have_count(0)
    expect(lead.locator("button:not(#ws-join-toggle)")).to_have_count(0)
    bo = join(app, body, "Bo")
    draw(bo, body["id"], shape("Polygon", note="Syns på väggen"))
    expect(shapes(lead)).to_have_count(1)


def test_the_summary_page(app, open_page):
    facilitator, body = workshop(app, groups=["Bord 1"])
    bo = join(app, body, "Bo", group="Bord 1")
    draw(bo, body["id"], shape("Point", category="traffic"))
    draw(bo, body["id"], shape("Polygon"))
    lead = open_page()
    facilitate_in_browser(lead, body)
    lead.click("text=Sammanställning: antal och karta")
    wait_for_map(lead)
    tables = lead.locator("table")
    expect(tables.nth(0)).to_contain_text("Punkter")
    expect(tables.nth(0)).to_contain_text("Områden")
    expect(tables.nth(1)).to_contain_text("Bord 1")
    expect(tables.nth(2)).to_contain_text("Trafik och vägar")
    expect(tables.nth(2)).to_contain_text("Ingen kategori")
    expect(shapes(lead)).to_have_count(2)
    stranger = open_page()
    stranger.goto(f"/workshops/{body['id']}/summary")
    expect(stranger.locator("main")).to_contain_text(
        "Resultatet är till för verkstadens deltagare och samtalsledare."
    )


def test_the_projectors_code_stays_on_one_line_on_every_wall(app, open_page):
    """People in the room read the code off the wall: wrapped, they typed its first five."""
    _facilitator, body = workshop(app)
    wall = open_page()
    facilitate_in_browser(wall, body)
    wall.goto(f"/workshops/{body['id']}/projector")
    wait_for_map(wall)
    code = wall.locator("#ws-join-code")
    expect(code).to_have_text(body["join_code"])
    for width, height in ((1024, 768), (1280, 720), (1920, 1080), (3840, 2160), (375, 740)):
        wall.set_viewport_size({"width": width, "height": height})
        lines = code.evaluate(
            """(e) => Math.round(e.getBoundingClientRect().height
                                 / parseFloat(getComputedStyle(e).lineHeight))"""
        )
        assert lines == 1, (width, lines)
        box = wall.locator(".ws-projector__join").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (width, box)
        # Read from the back of the room: the code grows with the wall (it stopped at 80 px).
        if width >= 1024:
            assert code.bounding_box()["height"] >= 0.05 * width, (width, code.bounding_box())


def test_every_drawing_that_can_be_a_pin_is_ticked_at_once(app, open_page):
    """Eighty drawings at the end of a session were eighty taps."""
    facilitator, body = workshop(app)
    bo = join(app, body, "Bo")
    drawn = [draw(bo, body["id"], shape("Point", note=f"Idé {n}")).get_json() for n in range(5)]
    facilitator.post(
        f"/api/workshops/{body['id']}/annotations/{drawn[0]['id']}/hidden", {"hidden": True}
    )
    lead = open_page()
    facilitate_in_browser(lead, body)
    lead.click("#ws-pick-all")
    expect(lead.locator(".ws-list__pick:checked")).to_have_count(4)  # not the hidden one
    expect(lead.locator("#ws-promote-submit")).to_contain_text("4")
    lead.click("#ws-pick-none")
    expect(lead.locator(".ws-list__pick:checked")).to_have_count(0)
    expect(lead.locator("#ws-promote-submit")).to_be_disabled()


def test_focus_stays_in_the_controls_as_their_buttons_turn_off(app, open_page):
    """The button pressed is disabled at once: focus went to the page, lost to a keyboard."""
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    _facilitator, body = workshop(app, ends_at=later)
    lead = open_page()
    facilitate_in_browser(lead, body)
    pause, reopen = lead.locator("#ws-state-pause"), lead.locator("#ws-state-open")
    pause.focus()
    lead.keyboard.press("Enter")
    expect(reopen).to_be_focused()
    lead.keyboard.press("Enter")
    expect(pause).to_be_focused()
    lead.locator("#ws-end-remove").focus()
    lead.keyboard.press("Enter")
    expect(lead.locator("#ws-end-at")).to_be_focused()
