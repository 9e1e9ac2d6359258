"""The facilitator's "make pins from drawings" list in real browsers: a drawing hidden loses its
tick (here and in every other facilitator's tab), drawings made pins are marked on every load,
device and tab, and a refusal names the drawing as the list does."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.workshops import facilitate_in_browser, wait_for_map, workshop
from tests.workshops.helpers import draw, join, shape

BUTTON = "Gör nålar av de markerade ritningarna ({n})"


def _drawn(app, **settings):
    """A workshop where Bo drew a point, an area and a line; the facilitator's client."""
    facilitator, body = workshop(app, **settings)
    bo = join(app, body, "Bo")
    wid = body["id"]
    point = draw(bo, wid, shape("Point", note="Ett övergångsställe här", category="traffic"))
    area = draw(bo, wid, shape("Polygon", note="Park med lekplats", category="parks-nature"))
    line = draw(bo, wid, shape("LineString", note="Cykelväg", category="walking-cycling"))
    ids = [r.get_json()["id"] for r in (point, area, line)]
    return facilitator, body, ids


def _marked_as_pin(page: Page, annotation_id: int, mark: str = "gjord till nål") -> None:
    """The drawing's row says it is a pin, and its box can be neither ticked nor left ticked."""
    box = page.locator(f"#ws-pick-{annotation_id}")
    expect(box).to_be_disabled()
    expect(box).not_to_be_checked()
    row = page.locator(f"li:has(#ws-open-{annotation_id}) .ws-list__mark")
    expect(row).to_have_text(mark)


def test_a_drawing_hidden_loses_its_tick_here_and_in_other_tabs(app, open_page):
    facilitator, body, (point, area, _line) = _drawn(app)
    lead, other = open_page(), open_page()
    facilitate_in_browser(lead, body)
    facilitate_in_browser(other, body)
    for page in (lead, other):
        page.check(f"#ws-pick-{point}")
        page.check(f"#ws-pick-{area}")
        expect(page.locator("#ws-promote-submit")).to_have_text(BUTTON.format(n=2))

    lead.click(f"#ws-open-{point}")
    lead.click("#ws-detail-hide")
    for page in (lead, other):  # the other tab learns it from the live stream
        expect(page.locator(f"#ws-pick-{point}")).not_to_be_checked()
        expect(page.locator(f"#ws-pick-{point}")).to_be_disabled()
        expect(page.locator(f"#ws-pick-{area}")).to_be_checked()
        expect(page.locator("#ws-promote-submit")).to_have_text(BUTTON.format(n=1))

    # What is still ticked becomes a pin; nothing refuses the batch.
    lead.click("#ws-promote-submit")
    expect(lead.locator("#ws-promote-result a")).to_have_count(1)
    expect(lead.locator("#ws-promote-result a")).to_have_text("Park med lekplats")
    expect(lead.locator("#ws-promote-error")).to_be_hidden()
    pins = facilitator.get(f"/api/ideas?workshop={body['id']}").get_json()["features"]
    assert [p["properties"]["annotation_id"] for p in pins] == [area]

    # Shown again, it may be ticked again.
    lead.click(f"#ws-open-{point}")
    lead.click("#ws-detail-hide")
    expect(lead.locator(f"#ws-pick-{point}")).to_be_enabled()
    expect(other.locator(f"#ws-pick-{point}")).to_be_enabled()


def test_pins_made_are_marked_after_a_reload_on_another_device_and_live(app, open_page):
    _facilitator, body, (point, area, line) = _drawn(app)
    lead, other = open_page(), open_page()
    facilitate_in_browser(lead, body)
    facilitate_in_browser(other, body)
    other.check(f"#ws-pick-{area}")
    expect(other.locator("#ws-promote-submit")).to_have_text(BUTTON.format(n=1))
    lead.check(f"#ws-pick-{point}")
    lead.check(f"#ws-pick-{area}")
    lead.click("#ws-promote-submit")
    expect(lead.locator("#ws-promote-result a")).to_have_count(2)
    expect(lead.locator("#ws-promote-submit")).to_have_text(BUTTON.format(n=0))

    # The other tab, live: its tick is gone, the count with it, both are marked.
    for annotation_id in (point, area):
        _marked_as_pin(other, annotation_id)
    expect(other.locator("#ws-promote-submit")).to_have_text(BUTTON.format(n=0))
    expect(other.locator("#ws-promote-submit")).to_be_disabled()

    # A reload, and a device that never saw the promotion.
    lead.reload()
    wait_for_map(lead)
    device = open_page()
    facilitate_in_browser(device, body)
    for page in (lead, other, device):
        for annotation_id in (point, area):
            _marked_as_pin(page, annotation_id)
        expect(page.locator(f"#ws-pick-{line}")).to_be_enabled()
        expect(page.locator(f"li:has(#ws-open-{line}) .ws-list__mark")).to_have_count(0)

    # Ticking what is left works, and no refusal names an id.
    device.check(f"#ws-pick-{line}")
    device.click("#ws-promote-submit")
    expect(device.locator("#ws-promote-result a")).to_have_text("Cykelväg")
    _marked_as_pin(lead, line)


def test_a_refusal_names_the_drawing_as_the_list_does(app, open_page, browser_log):
    """Ticked here while another device made it a pin: the refusal says which drawing, in the
    list's words, and the list marks it at once. A closed workshop has no live stream, so the
    promotion elsewhere reaches this page only with the refusal."""
    browser_log.allow(409)
    facilitator, body, (point, area, _line) = _drawn(app)
    wid = body["id"]
    assert facilitator.post(f"/api/workshops/{wid}/state", {"state": "closed"}).status_code == 200
    lead = open_page(locale="en-GB")
    facilitate_in_browser(lead, body)
    lead.check(f"#ws-pick-{point}")
    lead.check(f"#ws-pick-{area}")
    made = facilitator.post(
        f"/api/workshops/{wid}/promote", {"annotation_ids": [area], "kind": "idea"}
    )
    assert made.status_code == 201
    assert [p["properties"]["annotation_id"] for p in made.get_json()["features"]] == [area]

    lead.click("#ws-promote-submit")
    listed = lead.locator(f"#ws-open-{area}").text_content()
    assert listed == "Area, by Bo, Parks and nature: Park med lekplats"
    error = lead.locator("#ws-promote-error")
    expect(error).to_have_text(f"The drawing “{listed}” has been made a pin already.")
    expect(error).to_be_focused()
    _marked_as_pin(lead, area, "made into a pin")
    expect(lead.locator(f"#ws-pick-{point}")).to_be_checked()
    expect(lead.locator("#ws-promote-submit")).to_have_text("Make pins of the ticked drawings (1)")
    lead.click("#ws-promote-submit")
    expect(lead.locator("#ws-promote-result a")).to_have_text("Ett övergångsställe här")
