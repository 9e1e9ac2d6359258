"""The pin page's report form, without script: a refusal gives the form back as it was sent,
the error beside its field; a limit says to wait and leads back to the pin."""

from __future__ import annotations

import re

from tests.conftest import Api, pin_feature


def _pin(api: Api) -> int:
    return int(api.post("/api/ideas", pin_feature()).get_json()["id"])


def test_a_refused_note_comes_back_as_it_was_with_the_error_beside_it(app, api):
    pin = _pin(api)
    reporter = Api(app.test_client())
    reporter.get(f"/ideas/{pin}")
    note = "Se inlägget\u200b på Facebook"  # a zero-width space, as a paste brings
    form = {"csrf_token": reporter.token, "reason": "other", "note": note}
    page = reporter.client.post(f"/ideas/{pin}/flag", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<details class="report" id="report" open>' in html
    assert re.search(r'value="other" required checked', html)
    assert f">{note}</textarea>" in html
    assert 'aria-invalid="true" aria-describedby="report-note-error" autofocus' in html
    assert (
        '<p class="field-error" id="report-note-error">Fältet innehåller ett osynligt tecken '
        "eller styrtecken (U+200B).</p>"
    ) in html
    assert api.get(f"/api/ideas/{pin}").status_code == 200  # nothing stored


def test_a_report_without_a_reason_says_so_at_the_reasons(app, api):
    pin = _pin(api)
    reporter = Api(app.test_client())
    page = reporter.client.post(
        f"/ideas/{pin}/flag", data={"csrf_token": reporter.token, "note": "Reklam"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<p class="field-error" id="report-reason-error">Välj ett skäl i listan.</p>' in html
    assert ">Reklam</textarea>" in html


def test_a_limited_report_says_to_wait_and_leads_back_to_the_pin(make_app, api):
    limited = make_app(FLAG_LIMIT="1 per minute")
    pin = _pin(api)
    reporter = Api(limited.test_client())
    form = {"csrf_token": reporter.token, "reason": "spam"}
    assert reporter.client.post(f"/ideas/{pin}/flag", data=form).status_code == 303
    other = _pin(api)
    page = reporter.client.post(f"/ideas/{other}/flag", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "<h1>Vänta en liten stund</h1>" in html
    assert "Ladda om sidan" not in html  # a reload would send the form again
    assert f'<a href="/ideas/{other}">Tillbaka till nålen</a>' in html


def test_a_refused_report_of_the_planner_leads_back_to_the_workspace_with_its_filters(staff):
    page = staff("planner").client.get("/planner/report?layers=hexgrid&size=20&kind=concern")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<a href="/planner?layer=hexgrid&amp;size=20&amp;kind=concern">' in html
