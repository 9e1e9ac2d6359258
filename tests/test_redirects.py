"""The language switch goes back only to a path of this site, whatever `next` says."""

import pytest

from app.redirects import safe_local_target


@pytest.mark.parametrize(
    "target",
    [
        "/list?kind=idea",
        "/ideas/12",
        "/",
        "/list?q=Ume%C3%A5",
    ],
)
def test_local_paths_are_kept(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\t/evil.example",  # browsers drop tabs: //evil.example
        "/\n/evil.example",
        "/\r\n/evil.example",  # would also split the header
        "\r\nSet-Cookie: x=1",
        "/\\evil.example",  # browsers read \\ as /
        "\\\\evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
        " /list",
        "",
    ],
)
def test_other_targets_go_home(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert safe_local_target(target) == "/"


def test_raw_control_characters_in_the_query_string_are_not_a_500(client):
    for raw in ["next=/%0D%0A/x", "next=%0d%0aLocation:%20//evil", "next=/%00"]:
        response = client.get(f"/lang/en?{raw}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
