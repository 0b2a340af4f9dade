"""An address that names no page of the person's navigation gets a German "not found" page, not Streamlit's English box."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import all_text, app_like_server, log_in_as, navigation, new_app, run, texts
from tests.builders import make_user
from web.missing_page import missing_path

__all__ = ["app_like_server"]  # autouse fixture

KNOWN = ["", "katalog", "warenkorb"]


@pytest.mark.parametrize(("requested", "by_hash", "expected"), [
    ("arbeitsvorrat", False, "arbeitsvorrat"),  # a KISA page typed by a municipal user
    ("gibt-es-nicht", False, "gibt-es-nicht"),
    ("warenkorb", False, None),  # a page of the navigation: Streamlit opens it
    ("", False, None),  # the start page
    (None, False, None),
    ("arbeitsvorrat", True, None),  # a rerun by page hash falls back to the start page quietly
    ("a/b", False, None),  # Streamlit allows no "/" in a page address
    ("x" * 201, False, None),
])
def test_only_a_typed_address_outside_the_navigation_gets_the_not_found_page(requested, by_hash, expected):
    assert missing_path(requested, by_hash=by_hash, known=KNOWN) == expected


def _typed_address(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    monkeypatch.setattr("web.missing_page._requested", lambda: (path, False))


def test_municipal_user_typing_a_kisa_address_reads_german_not_found(engine, session, monkeypatch):
    user = make_user(session)
    _typed_address(monkeypatch, "arbeitsvorrat")
    at = new_app()
    log_in_as(at, engine, user)
    run(at)
    assert navigation(at)["arbeitsvorrat"] == "Seite nicht gefunden"  # hidden page under the typed address
    at.switch_page("pages/not_found.py")
    run(at)
    assert texts(at, "title") == ["Seite nicht gefunden"]
    assert "gehört nicht zu Ihrem Zugang" in all_text(at)
    assert "Arbeitsvorrat" not in all_text(at)  # nothing of the KISA page


def test_visitor_typing_a_protected_address_is_pointed_to_the_login(engine, monkeypatch):
    _typed_address(monkeypatch, "protokoll")
    at = new_app()
    run(at)
    at.switch_page("pages/not_found.py")
    run(at)
    assert texts(at, "title") == ["Seite nicht gefunden"]
    assert "erst nach der Anmeldung erreichbar" in all_text(at)
    assert [link.label for link in at.get("page_link")] == ["Zur Anmeldung", "Zur Startseite"]


def test_a_known_address_registers_no_extra_page(engine, session, monkeypatch):
    _typed_address(monkeypatch, "warenkorb")
    at = new_app()
    log_in_as(at, engine, make_user(session))
    run(at)
    assert "Seite nicht gefunden" not in navigation(at).values()
