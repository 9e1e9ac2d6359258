"""The planners' pages in a real browser: a moderator signs in (Swedish and English), finds a
reported pin in the queue, hides it from its page, and answers another pin with a template;
a held pin's author is told; a report from the pin page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from app.db import get_session
from app.planning.answer_templates import save_template
from tests.browser.conftest import BrowserLog, open_map, sign_out_in_another_tab
from tests.conftest import PASSWORD, Api, create_user, pin_feature
from tests.conftest import sign_in as api_sign_in


def sign_in(page: Page, email: str, lang: str) -> None:
    """Choose the language, then sign in through the form."""
    page.goto(f"/lang/{lang}?next=/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in" if lang == "sv" else "Sign in").click()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_moderator_hides_a_reported_pin_and_answers_another(
    page: Page, app: Flask, browser_log: BrowserLog, lang: str
) -> None:
    browser_log.allow(422, 401)  # a hide without a reason; the queue after signing out
    create_user(app, "moa@umea.se", "moderator")
    citizen = Api(app.test_client())
    reported = citizen.post("/api/ideas", pin_feature(title="Grannen Kalle bråkar")).get_json()
    other = citizen.post("/api/ideas", pin_feature(title="Mörk gångväg")).get_json()
    citizen.post(f"/api/ideas/{reported['id']}/flag", {"reason": "personal_data"})
    admin = Api(app.test_client())
    with app.test_request_context():
        save_template(
            get_session(), "planned", "Belysning kommer i höst.", "Lights this autumn.", None
        )
        get_session().commit()

    def say(text: str) -> str:
        with app.test_request_context(), force_locale(lang):
            return gettext(text)

    sign_in(page, "moa@umea.se", lang)
    expect(page).to_have_url(re.compile(r"/planner(\?.*)?$"))  # the workspace
    page.get_by_role("link", name=say("Moderation queue")).click()  # one click to the queue
    expect(page.locator("h1")).to_have_text(say("Moderation queue"))
    page.get_by_role("link", name="Grannen Kalle bråkar").click()  # one click to its page

    expect(page.locator("h1")).to_contain_text("Grannen Kalle bråkar")
    expect(page.locator("#pin-map[data-ready='true'] .pin")).to_be_visible()
    page.get_by_role("button", name=say("Hide"), exact=True).click()  # no reason: refused
    error = page.locator("form:has(#moderation-reason) .form-error")
    expect(error).to_have_text(say("Say why the pin is hidden."))
    expect(page.locator("#moderation-reason")).to_be_focused()
    page.fill("#moderation-reason", "Namn på en granne")
    page.get_by_role("button", name=say("Hide"), exact=True).click()
    expect(page.locator("#notice")).to_have_text(say("The pin's visibility was changed."))
    history = page.locator("table.history")
    expect(history).to_contain_text("moa@umea.se")
    expect(history).to_contain_text("Namn på en granne")
    assert admin.get(f"/api/ideas/{reported['id']}").status_code == 404

    page.goto(f"/planner/ideas/{other['id']}")
    page.select_option("#answer-status", "planned")
    page.get_by_role("button", name=say("Use the template for this status")).click()
    expect(page.locator("#answer-text")).to_have_value("Belysning kommer i höst.")
    expect(page.locator("#answer-en")).to_have_value("Lights this autumn.")
    page.get_by_role("button", name=say("Save the status and answer")).click()
    expect(page.locator("#notice")).to_have_text(say("The status and answer were saved."))
    public = admin.get(f"/api/ideas/{other['id']}").get_json()["properties"]
    assert (public["status"], public["answer"]) == ("planned", "Belysning kommer i höst.")

    page.get_by_role("button", name=say("Sign out")).click()
    expect(page.locator(".notice")).to_have_text(say("You have signed out."))
    page.goto("/planner/moderation")
    expect(page.locator("#email")).to_be_visible()


def test_a_planner_links_a_possible_duplicate_in_two_clicks(page: Page, app: Flask) -> None:
    """A pin's page lists the public pins near it with a word of its title; "Använd det här
    numret" puts one's number in the duplicate form, which saves the link."""
    create_user(app, "eva@umea.se", "planner")
    citizen = Api(app.test_client())
    first = citizen.post("/api/ideas", pin_feature(title="Fler cyklar vid skolan")).get_json()
    again = citizen.post("/api/ideas", pin_feature(title="Parkering för cyklarna")).get_json()
    sign_in(page, "eva@umea.se", "sv")
    expect(page).to_have_url(re.compile(r"/planner(\?.*)?$"))
    page.goto(f"/planner/ideas/{again['id']}")
    candidates = page.locator("ul.candidates li")
    expect(candidates).to_have_count(1)
    expect(candidates).to_contain_text(f"Fler cyklar vid skolan (#{first['id']})")
    candidates.get_by_role("button", name="Använd det här numret").click()
    expect(page.locator("#duplicate-of")).to_have_value(str(first["id"]))
    expect(page.locator("#duplicate-of")).to_be_focused()
    page.get_by_role("button", name="Spara dubblettlänken").click()
    expect(page.locator("#notice")).to_have_text("Dubblettlänken sparades.")
    public = citizen.get(f"/api/ideas/{again['id']}").get_json()["properties"]
    assert public["duplicate_of"] == first["id"]


def test_a_wrong_password_on_the_page(page: Page, app: Flask, browser_log: BrowserLog) -> None:
    browser_log.allow(401)
    create_user(app, "moa@umea.se", "moderator")
    page.goto("/login")
    page.fill("#email", "moa@umea.se")
    page.fill("#password", "inte rätt lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#login-error")).to_have_text("E-postadressen eller lösenordet är fel.")
    expect(page.locator("#email")).to_have_value("moa@umea.se")


def test_a_held_pin_is_saved_and_said_so(page: Page, app: Flask) -> None:
    create_user(app, "moa@umea.se", "moderator")
    api_sign_in(app.test_client(), "moa@umea.se").post("/api/moderation/words", {"word": "idiot"})
    open_map(page)
    page.click("#pin-centre")
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", "Vilken idiot")
    page.click("#pin-submit")
    expect(page.locator("#map-notice")).to_have_text(
        "Tack. Din nål visas när en moderator har tittat på den. Mina nålar"
    )
    expect(page.locator(".pin[aria-label$='Vilken idiot']")).to_have_count(0)


def test_a_report_from_the_pin_page(page: Page, app: Flask) -> None:
    idea_id = Api(app.test_client()).post("/api/ideas", pin_feature()).get_json()["id"]
    page.goto(f"/ideas/{idea_id}")
    page.get_by_text("Anmäl nålen").click()
    page.get_by_label("Skräppost eller reklam").check()
    page.fill("#report-note", "Reklam")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.locator(".notice")).to_have_text("Tack. En moderator kommer att titta på nålen.")


def _anna_in_the_browser_and_bo(page: Page, app: Flask, title: str) -> tuple[Api, dict, Api]:
    """Two moderators on one pin: Anna signed in in the browser, Bo through the API; the
    citizen who made the pin, the pin, and Bo."""
    create_user(app, "anna@umea.se", "moderator")
    create_user(app, "bo@umea.se", "moderator")
    citizen = Api(app.test_client())
    pin = citizen.post("/api/ideas", pin_feature(title=title)).get_json()
    bo = api_sign_in(app.test_client(), "bo@umea.se")
    sign_in(page, "anna@umea.se", "sv")
    return citizen, pin, bo


def test_a_page_that_missed_a_colleagues_hide_does_not_publish_the_pin(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """Two moderators clear one queue: Anna's page still shows the pin held, Bo hides it."""
    browser_log.allow(409)
    citizen, pin, bo = _anna_in_the_browser_and_bo(page, app, "Grannen Kalle bråkar")
    held = bo.patch(f"/api/ideas/{pin['id']}", {"visibility": "held"})
    assert held.status_code == 200
    page.goto(f"/planner/ideas/{pin['id']}")
    hidden = bo.patch(f"/api/ideas/{pin['id']}", {"visibility": "hidden", "reason": "Kränkande"})
    assert hidden.status_code == 200
    page.get_by_role("button", name="Publicera", exact=True).click()
    error = page.locator("form:has(#moderation-reason) .form-error")
    expect(error).to_have_text(
        "Under tiden ändrade någon annan nålen: den är nu ”Dold”. Ladda om sidan för att se "
        "vem och varför, och bestäm sedan igen."
    )
    assert citizen.get(f"/api/ideas/{pin['id']}").status_code == 404
    actions = [
        row["action"] for row in bo.get(f"/api/ideas/{pin['id']}/history").get_json()["history"]
    ]
    assert actions == ["hold", "hide"]


def test_a_refusal_that_names_no_field_of_the_form_takes_the_focus(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """The form's buttons are disabled while it is sent: the one pressed lost the focus to
    <body>, and a refusal naming no field of the form (here `id`) left it there."""
    browser_log.allow(404)
    create_user(app, "moa@umea.se", "moderator")
    colleague = api_sign_in(app.test_client(), "moa@umea.se")
    word_id = colleague.post("/api/moderation/words", {"word": "idiot"}).get_json()["id"]
    sign_in(page, "moa@umea.se", "en")
    page.goto("/planner/moderation/words")
    assert colleague.delete(f"/api/moderation/words/{word_id}").status_code == 204
    page.get_by_role("button", name="Remove idiot").focus()
    page.keyboard.press("Enter")
    error = page.locator("form[aria-label='Remove idiot'] .form-error")
    expect(error).to_have_text("No such word on the list.")
    expect(error).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('form-error')")


def test_a_stale_answer_is_refused_and_said_where_the_focus_is(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """Bo answered while Anna's page was open: her save of the status must not revert it."""
    browser_log.allow(409)
    _citizen, pin, bo = _anna_in_the_browser_and_bo(page, app, "Mörk gångväg")
    page.goto(f"/planner/ideas/{pin['id']}")
    answered = bo.patch(f"/api/ideas/{pin['id']}", {"status": "planned", "answer": "A2: beställd"})
    assert answered.status_code == 200
    page.select_option("#answer-status", "done")
    page.get_by_role("button", name="Spara status och svar").click()
    error = page.locator("form:has(#answer-status) .form-error")
    expect(error).to_have_text(
        "Under tiden ändrade bo@umea.se nålen (Svaret ändrades; Statusen ändrades). Ladda om "
        "sidan för att se ändringen, och spara sedan igen."
    )
    expect(error).to_be_focused()
    assert bo.get(f"/api/ideas/{pin['id']}").get_json()["properties"]["answer"] == "A2: beställd"


def test_signed_out_meanwhile_a_pin_pages_answer_is_kept_and_sent_after_signing_in(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """The pin page said only "Sign in as a planner.", with no way back, and lost the answer."""
    browser_log.allow(401)
    create_user(app, "anna@umea.se", "moderator")
    pin = Api(app.test_client()).post("/api/ideas", pin_feature(title="Mörk gångväg")).get_json()
    sign_in(page, "anna@umea.se", "en")
    page.goto(f"/planner/ideas/{pin['id']}")
    page.select_option("#answer-status", "planned")
    page.fill("#answer-text", "Belysning kommer i höst.")
    sign_out_in_another_tab(page)

    page.get_by_role("button", name="Save the status and answer").click()
    error = page.locator("form:has(#answer-status) .form-error")
    expect(error).to_contain_text("What you typed is kept in this tab until you are back.")
    expect(error).to_be_focused()
    link = error.get_by_role("link", name="Sign in")
    expect(link).to_have_attribute("href", f"/login?next=%2Fplanner%2Fideas%2F{pin['id']}")
    link.click()
    page.fill("#email", "anna@umea.se")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    expect(page).to_have_url(re.compile(f"/planner/ideas/{pin['id']}$"))
    expect(page.locator("#answer-text")).to_have_value("Belysning kommer i höst.")
    expect(page.locator("#answer-status")).to_have_value("planned")
    expect(page.locator("form:has(#answer-status) [role=status]").first).to_contain_text(
        "What you typed before signing in again is back in the fields."
    )
    expect(page.locator("#answer-status")).to_be_focused()  # the form's first field
    page.get_by_role("button", name="Save the status and answer").click()
    expect(page.locator("#notice")).to_have_text("The status and answer were saved.")
    answer = Api(app.test_client()).get(f"/api/ideas/{pin['id']}").get_json()["properties"]
    assert answer["answer"] == "Belysning kommer i höst."
