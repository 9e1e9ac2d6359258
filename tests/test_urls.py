"""app/urls.py: URL templates for the scripts, built from the URL map."""

import pytest
from flask import Flask, url_for
from werkzeug.routing import BaseConverter

from app.urls import url_template, url_templates


class IdConverter(BaseConverter):
    """A custom converter like the `<id:...>` one the app will get."""

    regex = r"[0-9]{1,19}"


@pytest.fixture
def small_app() -> Flask:
    """An app with rules that use every kind of converter, including a custom one."""
    app = Flask(__name__)
    app.url_map.converters["id"] = IdConverter

    def view(**kwargs: object) -> str:
        return ""

    app.add_url_rule("/things/<id:thing_id>/parts/<int:part>", "thing_part", view)
    app.add_url_rule("/files/<path:filename>", "file", view)
    app.add_url_rule("/lang/<string(length=2):code>", "lang", view)
    app.add_url_rule("/pick/<any(red, 'dark blue'):colour>/<float:size>", "pick", view)
    app.add_url_rule("/plain", "plain", view)
    app.add_url_rule("/över/<name>", "accented", view)
    return app


def test_variables_become_placeholders_whatever_their_converter(small_app):
    with small_app.test_request_context("/"):
        assert url_template("thing_part") == "/things/{thing_id}/parts/{part}"
        assert url_template("file") == "/files/{filename}"
        assert url_template("lang") == "/lang/{code}"
        assert url_template("pick") == "/pick/{colour}/{size}"
        assert url_template("plain") == "/plain"
        # static parts are quoted as url_for quotes them
        assert url_template("accented") == url_for("accented", name="x").replace("x", "{name}")


def test_the_script_root_is_kept_in_front(small_app):
    with small_app.test_request_context("/", base_url="http://localhost/umecom"):
        assert url_for("plain") == "/umecom/plain"
        assert url_template("thing_part") == "/umecom/things/{thing_id}/parts/{part}"
    # outside a request, APPLICATION_ROOT stands for it, as it does for url_for
    small_app.config["APPLICATION_ROOT"] = "/maps/"
    with small_app.app_context():
        assert url_template("plain") == "/maps/plain"


def test_unknown_endpoint_is_an_error(small_app):
    with small_app.test_request_context("/"), pytest.raises(KeyError):
        url_template("nowhere")


def test_the_apps_own_endpoints(app):
    with app.test_request_context("/"):
        assert url_template("api.get_idea") == "/api/ideas/{idea_id}"
        assert url_template("api.support_idea") == "/api/ideas/{idea_id}/support"
        assert url_template("citizen.idea_page") == "/ideas/{idea_id}"
        assert url_templates({"pins": "api.map_clusters", "idea": "api.get_idea"}) == {
            "pins": "/api/map/clusters",
            "idea": "/api/ideas/{idea_id}",
        }
    with app.test_request_context("/", base_url="http://localhost/umecom"):
        assert url_template("api.get_idea") == "/umecom/api/ideas/{idea_id}"


def test_every_template_filled_in_is_what_url_for_builds(app):
    """For every route of the app: the template with values filled in equals url_for's URL."""
    for script_name in ("", "/sub/path"):
        with app.test_request_context("/", base_url=f"http://localhost{script_name}"):
            for rule in app.url_map.iter_rules():
                values = dict.fromkeys(rule.arguments, "42")
                filled = url_template(rule.endpoint)
                for name, value in values.items():
                    filled = filled.replace("{" + name + "}", value)
                assert filled == url_for(rule.endpoint, **values), rule.rule
