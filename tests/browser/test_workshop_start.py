"""Starting a workshop from its page: settings, errors beside their fields, then the code, the
join link, the QR code and the secret link; a planner finds it again under "Workshops I
started"."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.test_accessibility import sign_in_as
from tests.browser.workshops import wait_for_map
from tests.conftest import create_user
from tests.workshops.helpers import new_client


def test_start_a_workshop_with_groups_and_a_district(app, open_page, browser_log):
    browser_log.allow(422)  # the refused title, on purpose
    page = open_page()
    page.goto("/")
    page.click("text=Verkstad")
    page.click("text=Starta en verkstad")
    page.wait_for_selector("#ws-new[data-ready='true']")
    page.fill("#ws-title", "Ab")
    page.click("#ws-new-submit")
    expect(page.locator("#ws-title-error")).to_have_text("Skriv 3 till 120 tecken.")
    expect(page.locator("#ws-title")).to_be_focused()
    page.fill("#ws-title", "Framtidens Haga")
    page.fill("#ws-description", "Vad vill vi ha i parken?")
    page.check("input[name='focus'][value='district']")
    expect(page.locator("#ws-district option")).to_have_count(122)  # 121 districts
    page.select_option("#ws-district", label="Haga/Sandbacka")
    page.fill("#ws-ends-at", "2030-05-01T18:00")
    page.click("#ws-add-group")
    expect(page.locator("#ws-groups input").nth(0)).to_be_focused()
    page.locator("#ws-groups input").nth(0).fill("Bord 1")
    page.click("#ws-add-group")
    page.locator("#ws-groups input").nth(1).fill("bord 1")
    page.click("#ws-new-submit")
    expect(page.locator("#ws-groups .field-error").nth(1)).to_have_text(
        "Två grupper har samma namn."
    )
    page.locator("#ws-groups input").nth(1).fill("Bord 2")
    page.locator("#ws-groups select").nth(1).select_option("purple")
    page.click("#ws-new-submit")

    created = page.locator("#ws-created")
    expect(created).to_be_visible()
    expect(page.locator("#ws-created-title")).to_be_focused()
    code = page.locator("#ws-join-code").inner_text()
    assert len(code) == 6
    expect(page.locator("#ws-join-url")).to_have_attribute("href", f"{app_root(page)}/w/{code}")
    expect(page.locator("#ws-join-qr svg[role='img'] path")).to_have_count(1)
    assert page.locator("#ws-join-qr script, #ws-join-qr [onload]").count() == 0
    secret = page.locator("#ws-facilitator-url").input_value()
    assert "/facilitate#key=" in secret
    expect(created).to_contain_text("Spara den här länken")

    page.click("#ws-open-facilitator")
    wait_for_map(page)
    expect(page.locator("#ws-join-code")).to_have_text(code)
    state = new_client(app).get(f"/api/workshops/by-code?code={code}").get_json()
    assert state["title"] == "Framtidens Haga"
    assert [g["name"] for g in state["groups"]] == ["Bord 1", "Bord 2"]
    assert state["groups"][1]["color"] == "#6a1b9a"
    full = new_client(app).get(f"/api/workshops/{state['id']}").get_json()
    assert full["focus_area"]["type"] == "MultiPolygon"
    assert full["ends_at"].startswith("2030-05-01T")

    # On another device, the secret link makes the facilitator.
    other = open_page()
    link = urlsplit(secret)
    other.goto(f"{link.path}#{link.fragment}")
    wait_for_map(other)
    assert "key=" not in other.url  # taken out of the address bar
    expect(other.locator("#ws-state-pause")).to_be_enabled()


def app_root(page) -> str:  # noqa: ANN001
    """The live server's root, as the page sees it."""
    return str(page.evaluate("location.origin"))


def test_a_wrong_secret_link_shows_a_clear_message(app, open_page, browser_log):
    browser_log.allow(403)
    body = new_client(app).post("/api/workshops", {"title": "Nyckeltest"}).get_json()
    page = open_page()
    page.goto(f"/workshops/{body['id']}/facilitate#key=fel-nyckel")
    page.wait_for_selector("#map[data-ready='gate']", state="attached")
    expect(page.locator("#ws-gate-text")).to_have_text("Samtalsledarens nyckel stämmer inte.")


def test_a_planner_finds_the_workshops_they_started(app, open_page):
    create_user(app, "eva@umea.se", "planner")
    page = open_page()
    sign_in_as(page, "eva@umea.se", "sv")
    page.click("text=Verkstäder jag startat")
    expect(page.locator("main")).to_contain_text("Du har inte startat någon verkstad än.")
    page.click("main >> text=Starta en verkstad")
    page.wait_for_selector("#ws-new[data-ready='true']")
    page.fill("#ws-title", "Planerarens verkstad")
    page.click("#ws-new-submit")
    expect(page.locator("#ws-created")).to_be_visible()
    page.click("text=Verkstäder jag startat")
    row = page.locator("table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Planerarens verkstad")
    expect(row).to_contain_text("Öppen")

    # Signed in on another device, the planner steers it without the secret link.
    other = open_page()
    sign_in_as(other, "eva@umea.se", "sv")
    other.goto("/planner/workshops")
    other.click("text=Planerarens verkstad")
    wait_for_map(other)
    expect(other.locator("#ws-state-pause")).to_be_enabled()
