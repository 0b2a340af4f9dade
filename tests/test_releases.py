"""Releases after go-live: publishing rules, the fan-out to the municipalities, review flags and the overviews."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from catalog.store import StaleEdit, get_product
from core.clock import advance, today_local
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.changes import request_change
from models import OrderedProduct, OrderedProductState, ReleaseNotice
from releases.publish import PublishSummary, audience, publish_release, version_key
from releases.review import (
    confirm_reviewed,
    open_review_count,
    release_overview,
    releases_for_municipality,
)
from tests.backoffice_world import MB, MRA, actions, audit_details, put_in_state, submitted
from tests.builders import make_municipality
from tests.questionnaire_builders import order_product, questionnaire_catalog
from tests.questionnaire_world import World, mails, make_world, named_user

S = OrderedProductState
NOTES = "Neue Gebührensätze nach der Änderung des Verwaltungskostengesetzes."


@pytest.fixture
def world(session: Session) -> World:
    questionnaire_catalog(session)
    return make_world(session)


def publish(session: Session, actor, version: str, *, review: bool = False, product: str = MB,
            notes: str = NOTES) -> PublishSummary:
    """Publish as ``actor`` on the catalogue entry as it stands, and commit."""
    _, expected = get_product(session, product)
    summary = publish_release(session, actor=actor, product_id=product, version=version, notes=notes,
                              requires_config_review=review, expected_version=expected)
    session.commit()
    return summary


def other_town(session: Session, name: str, state: OrderedProductState) -> tuple[str, OrderedProduct]:
    """Add a municipality with a coordinator and the Meldebescheinigung in ``state``; return the address and product."""
    town = make_municipality(session, name=name)
    person = named_user(session, town, f"Koordination {name}", can_manage_team=True)
    return person.email, order_product(session, town, MB, state)


def notices(session: Session) -> list[ReleaseNotice]:
    session.expire_all()
    return list(session.exec(select(ReleaseNotice).order_by(col(ReleaseNotice.id))).all())


def notice_of(session: Session, ordered: OrderedProduct) -> ReleaseNotice:
    [notice] = [n for n in notices(session) if n.ordered_product_id == ordered.id]
    return notice


# ---- publishing ---------------------------------------------------------------------------------------------------


def test_the_package_does_not_use_streamlit():
    for path in Path(publish_release.__code__.co_filename).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.split(".")[0] == "streamlit"], path.name


def test_versions_compare_as_numbers():
    assert version_key("1.10") > version_key("1.9")
    assert version_key("2.0") > version_key("1.99.99")
    assert version_key("1.3") == version_key("1.3.0")


def test_a_release_reaches_exactly_the_municipalities_using_the_product_and_flags_only_submitted_configurations(
        session, world):
    submitted(session, world)  # Riesa's coordinator submitted the configuration once …
    riesa_live = put_in_state(session, world.ordered[MB], S.LIVE)  # … and the product is live now
    meissen = put_in_state(session, world.other_ordered, S.QUESTIONNAIRE)  # questionnaire not submitted yet
    coswig_mail, coswig = other_town(session, "Coswig", S.SETUP)
    _, cancelled = other_town(session, "Großenhain", S.CANCELLED)
    _, terminated = other_town(session, "Radebeul", S.TERMINATED)
    assert audience(session, actor=world.kisa, product_id=MB).municipalities == 3

    summary = publish(session, world.kisa, "1.1", review=True)

    assert (summary.notices, summary.reviews_required) == (3, 2)
    assert summary.municipalities == ["Coswig", "Meißen", "Riesa"]
    flags = {n.ordered_product_id: n.review_required for n in notices(session)}
    assert flags == {riesa_live.id: True, meissen.id: False, coswig.id: True}  # nothing for ended products
    assert cancelled.id not in flags and terminated.id not in flags
    assert all(n.version == "1.1" and n.product_id == MB and n.reviewed_at is None for n in notices(session))

    sent = mails(session, "release.published")
    assert summary.mails == len(sent) == 3
    by_address = {m.to_address: m for m in sent}
    assert set(by_address) == {world.coordinator.email, world.other.email, coswig_mail}
    flagged = by_address[world.coordinator.email]
    assert flagged.subject == "Bitte Konfiguration prüfen: Neue Version 1.1 von Meldebescheinigung (Riesa)"
    assert NOTES in flagged.text_body and "Änderung beantragen" in flagged.text_body
    assert "Versionen im OAA-Shop: http://127.0.0.1:8501/versionen" in flagged.text_body
    assert "Ist eine Änderung nötig, schreiben Sie KISA" in by_address[coswig_mail].text_body  # set-up: ask KISA
    not_flagged = by_address[world.other.email]
    assert not_flagged.subject == "Neue Version 1.1 von Meldebescheinigung (Meißen)"
    assert "beim Ausfüllen" in not_flagged.text_body and "Geprüft, keine Änderung nötig" not in not_flagged.text_body

    product, _ = get_product(session, MB)
    [release] = product.releases
    assert (release.version, release.date, release.notes, release.requires_config_review) == (
        "1.1", today_local(), NOTES, True)
    assert "release.published" in actions(session)
    assert "3 bestellte Produkte in 3 Kommunen benachrichtigt, 2 zur Prüfung markiert" in \
        audit_details(session, "release.published")[0]


def test_other_products_of_the_same_municipalities_are_untouched(session, world):
    submitted(session, world, MRA)
    put_in_state(session, world.ordered[MRA], S.LIVE)
    publish(session, world.kisa, "2.0", review=True)
    assert {n.product_id for n in notices(session)} == {MB}
    assert {n.ordered_product_id for n in notices(session)} == {world.ordered[MB].id, world.other_ordered.id}
    assert not any(n.review_required for n in notices(session))  # both Meldebescheinigungen are only ordered
    product, _ = get_product(session, MRA)
    assert product.releases == []


def test_a_release_without_review_tells_everyone_there_is_nothing_to_do(session, world):
    submitted(session, world)
    put_in_state(session, world.ordered[MB], S.LIVE)
    summary = publish(session, world.admin, "1.0")
    assert summary.reviews_required == 0 and not any(n.review_required for n in notices(session))
    assert all("Für Sie ist nichts weiter zu tun." in m.text_body for m in mails(session, "release.published"))


@pytest.mark.parametrize(("version", "notes", "errors"), [
    ("", NOTES, {"version": "Bitte geben Sie die Versionsnummer an, z. B. 1.3 oder 1.3.2."}),
    ("1", NOTES, {"version": "Bitte geben Sie die Version als Zahlen mit Punkten an, z. B. 1.3 oder 1.3.2."}),
    ("v1.2", NOTES, {"version": "Bitte geben Sie die Version als Zahlen mit Punkten an, z. B. 1.3 oder 1.3.2."}),
    ("1.2.3.4", NOTES, {"version": "Bitte geben Sie die Version als Zahlen mit Punkten an, z. B. 1.3 oder 1.3.2."}),
    ("1.2", "  \n ", {"notes": "Bitte beschreiben Sie, was sich mit dieser Version ändert."}),
    ("1.2", "x" * 4001, {"notes": "Bitte kürzen Sie auf höchstens 4000 Zeichen (jetzt 4001)."}),
    ("1,2", "", {"version": "Bitte geben Sie die Version als Zahlen mit Punkten an, z. B. 1.3 oder 1.3.2.",
                 "notes": "Bitte beschreiben Sie, was sich mit dieser Version ändert."}),
])
def test_version_and_notes_are_checked_with_german_messages_at_the_field(session, world, version, notes, errors):
    with pytest.raises(FieldErrors) as problem:
        publish(session, world.kisa, version, notes=notes)
    assert problem.value.errors == errors
    session.rollback()
    assert notices(session) == [] and get_product(session, MB)[0].releases == []


def test_a_new_version_must_be_higher_than_the_latest_compared_as_numbers(session, world):
    publish(session, world.kisa, "1.9")
    with pytest.raises(FieldErrors) as problem:
        publish(session, world.kisa, "1.8.5")
    assert problem.value.errors == {"version": "Die neue Version muss höher sein als die aktuelle Version 1.9."}
    session.rollback()
    publish(session, world.kisa, "1.10")  # 1.10 comes after 1.9
    assert [r.version for r in get_product(session, MB)[0].releases] == ["1.9", "1.10"]


@pytest.mark.parametrize("again", ["1.3", "1.3.0"])
def test_publishing_the_same_version_twice_is_refused(session, world, again):
    publish(session, world.kisa, "1.3", review=True)
    with pytest.raises(FieldErrors) as problem:
        publish(session, world.kisa, again)
    assert problem.value.errors == {"version": f"Version {again} ist für dieses Produkt bereits veröffentlicht."}
    session.rollback()
    assert len(notices(session)) == 2 and len(mails(session, "release.published")) == 2


def test_a_stale_catalogue_entry_refuses_with_a_clear_message_and_changes_nothing(session, world):
    _, seen = get_product(session, MB)
    publish(session, world.admin, "1.1")  # a colleague published meanwhile
    with pytest.raises(StaleEdit, match="inzwischen geändert") as problem:
        publish_release(session, actor=world.kisa, product_id=MB, version="1.2", notes=NOTES,
                        requires_config_review=False, expected_version=seen)
    assert "Bitte prüfen Sie die angezeigte aktuelle Version" in str(problem.value)
    session.rollback()
    assert [r.version for r in get_product(session, MB)[0].releases] == ["1.1"]
    assert {n.version for n in notices(session)} == {"1.1"}


def test_only_kisa_and_administrators_publish(session, world):
    for person in (world.coordinator, world.other):
        with pytest.raises(PermissionDenied):
            publish(session, person, "1.0")
        session.rollback()
    with pytest.raises(NotFound):
        publish_release(session, actor=world.kisa, product_id="gibt-es-nicht", version="1.0", notes=NOTES,
                        requires_config_review=False, expected_version=1)
    session.rollback()
    assert notices(session) == []


# ---- reviews ------------------------------------------------------------------------------------------------------


@pytest.fixture
def flagged(session, world) -> OrderedProduct:
    """Riesa's live Meldebescheinigung, flagged by release 1.1."""
    submitted(session, world)
    live = put_in_state(session, world.ordered[MB], S.LIVE)
    publish(session, world.kisa, "1.1", review=True)
    return live


def test_the_municipality_confirms_its_check_once_with_who_and_when(session, world, flagged):
    notice = notice_of(session, flagged)
    assert open_review_count(session, actor=world.colleague) == 1
    assert confirm_reviewed(session, actor=world.colleague, notice_id=notice.id, note="Gebühr passt.") is True
    session.commit()
    checked = notice_of(session, flagged)
    assert checked.reviewed_by_name == "Karl Kollege" and checked.reviewed_at is not None
    assert checked.review_note == "Konfiguration geprüft, keine Änderung nötig: Gebühr passt."
    assert open_review_count(session, actor=world.colleague) == 0

    advance(3600)
    assert confirm_reviewed(session, actor=world.coordinator, notice_id=notice.id) is False  # second click
    session.commit()
    again = notice_of(session, flagged)
    assert (again.reviewed_by_name, again.reviewed_at) == ("Karl Kollege", checked.reviewed_at)
    assert actions(session, "release.reviewed") == ["release.reviewed"]


def test_other_municipalities_and_kisa_cannot_confirm(session, world, flagged):
    notice = notice_of(session, flagged)
    with pytest.raises(NotFound):
        confirm_reviewed(session, actor=world.other, notice_id=notice.id)
    session.rollback()
    with pytest.raises(NotFound):
        confirm_reviewed(session, actor=world.coordinator, notice_id=notice.id + 999)
    session.rollback()
    with pytest.raises(PermissionDenied):
        confirm_reviewed(session, actor=world.kisa, notice_id=notice.id)
    session.rollback()
    assert notice_of(session, flagged).reviewed_at is None
    assert releases_for_municipality(session, actor=world.other)[0].product_name == "Meldebescheinigung"
    assert all(v.ordered_product_id == world.other_ordered.id
               for v in releases_for_municipality(session, actor=world.other))


def test_a_notice_without_a_flag_needs_no_confirmation_and_a_long_note_is_refused(session, world, flagged):
    [meissen] = releases_for_municipality(session, actor=world.other)
    with pytest.raises(DomainError, match="keine Prüfung"):
        confirm_reviewed(session, actor=world.other, notice_id=meissen.notice_id)
    session.rollback()
    with pytest.raises(FieldErrors) as problem:
        confirm_reviewed(session, actor=world.coordinator, notice_id=notice_of(session, flagged).id, note="x" * 1001)
    assert problem.value.errors == {"note": "Bitte kürzen Sie die Notiz auf höchstens 1000 Zeichen (jetzt 1001)."}


def test_a_change_request_settles_the_open_review_flags_of_that_product(session, world, flagged):
    put_in_state(session, world.other_ordered, S.LIVE)  # Meißen's flag-free notice and product stay as they are
    request_change(session, actor=world.coordinator, ordered_product_id=flagged.id, reason="Neue Gebührensatzung 2027")
    session.commit()
    settled = notice_of(session, flagged)
    assert settled.review_note == "Änderung beantragt: Neue Gebührensatzung 2027"
    assert settled.reviewed_by_name == "Clara Koordinatorin" and settled.reviewed_at is not None
    assert notice_of(session, world.other_ordered).reviewed_at is None
    assert open_review_count(session, actor=world.kisa) == 0
    assert actions(session, "release.review_settled") == ["release.review_settled"]


def test_the_municipality_sees_its_releases_open_reviews_first(session, world, flagged):
    publish(session, world.kisa, "1.2")  # newer, no review
    views = releases_for_municipality(session, actor=world.coordinator)
    assert [(v.version, v.open) for v in views] == [("1.1", True), ("1.2", False)]
    first = views[0]
    assert (first.product_name, first.notes, first.release_date) == ("Meldebescheinigung", NOTES, today_local())
    assert first.can_request_change and first.questionnaire_id is not None and "Test und Abnahme" in first.todo
    confirm_reviewed(session, actor=world.coordinator, notice_id=first.notice_id)
    session.commit()
    views = releases_for_municipality(session, actor=world.coordinator)
    assert [(v.version, v.open) for v in views] == [("1.2", False), ("1.1", False)]  # newest first now
    assert views[1].reviewed_by == "Clara Koordinatorin"
    with pytest.raises(PermissionDenied):
        releases_for_municipality(session, actor=world.kisa)


def test_the_overview_counts_notices_and_reviews_per_release_and_lists_the_open_ones(session, world, flagged):
    _, coswig = other_town(session, "Coswig", S.TESTING)
    put_in_state(session, world.other_ordered, S.SUBMITTED)
    publish(session, world.kisa, "1.2", review=True)  # Riesa, Meißen, Coswig flagged
    publish(session, world.kisa, "1.3")  # nobody flagged
    views = {v.version: v for v in releases_for_municipality(session, actor=world.coordinator)}
    confirm_reviewed(session, actor=world.coordinator, notice_id=views["1.2"].notice_id)
    session.commit()
    put_in_state(session, coswig, S.TERMINATED)  # Coswig's open review is dropped with the contract

    overview = release_overview(session, actor=world.kisa)
    counts = {s.version: (s.notified, s.reviews_required, s.reviews_done, s.reviews_open, s.reviews_dropped)
              for s in overview.releases}
    assert counts == {"1.1": (2, 1, 0, 1, 0), "1.2": (3, 3, 1, 1, 1), "1.3": (3, 0, 0, 0, 0)}
    assert [(r.municipality_name, r.version) for r in overview.open_reviews] == [("Meißen", "1.2"), ("Riesa", "1.1")]
    first_two = release_overview(session, actor=world.kisa, number=1, size=2).releases_page  # paged in the database
    last = release_overview(session, actor=world.kisa, number=2, size=2).releases_page
    assert (first_two.total, len(first_two.items), last.number, len(last.items)) == (3, 2, 2, 1)
    assert {r.version for r in first_two.items + last.items} == {"1.1", "1.2", "1.3"}
    assert release_overview(session, actor=world.kisa, number=9, size=2).releases_page.number == 2  # past the end
    assert {r.version: r.reviews_open for r in first_two.items + last.items} == {"1.1": 1, "1.2": 1, "1.3": 0}
    second = release_overview(session, actor=world.kisa, open_number=2, open_size=1).open_page
    assert [r.municipality_name for r in second.items] == ["Riesa"] and (second.total, second.pages) == (2, 2)
    assert release_overview(session, actor=world.kisa, open_number=9, open_size=1).open_page.number == 2  # the last
    assert open_review_count(session, actor=world.kisa) == 2
    assert open_review_count(session, actor=world.coordinator) == 1
    assert open_review_count(session, actor=world.other) == 1
    with pytest.raises(PermissionDenied):
        release_overview(session, actor=world.coordinator)


def test_the_overview_of_one_product_lists_its_catalogue_releases_too(session, world):
    publish(session, world.kisa, "1.0", product=MRA)
    overview = release_overview(session, actor=world.kisa, product_id=MRA)
    assert [(s.version, s.notified) for s in overview.releases] == [("1.0", 1)]
    assert release_overview(session, actor=world.kisa, product_id=MB).releases == []
    assert [s.product_id for s in release_overview(session, actor=world.kisa).releases] == [MRA]
