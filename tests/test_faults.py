"""Faults: a crash in the middle of a use case changes nothing; database, mail server and disk failures.

Each use case runs in one transaction (``core.db.session_scope``), mails are written to the outbox in it and
the audit trail too, so a crash anywhere before the commit leaves every table as it was — on SQLite and on
PostgreSQL. The later tests cover the database going away while a page is open, the mail server being down
and a full disk while exporting configurations.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, DeferredFileRequestPayload
from streamlit.runtime.backend_operation_handler import DeferredFileHandler
from streamlit.runtime.media_file_manager import MediaFileManager
from typer.testing import CliRunner

import core.files
import notifications.outbox
from acceptance.launch import confirm_live
from acceptance.record import accept
from backoffice.review import take_over
from backoffice.setup import checklist, go_live, tick
from cli.main import app as oaa
from core import clock
from core.config import get_settings
from core.db import reset_engine_cache, session_scope
from models import AuditEvent, CatalogProduct, MailStatus, OrderedProduct, OrderedProductState, OutboxMail
from notifications.outbox import STATUS_NAMES
from orders.cart import add_to_cart, view_cart
from orders.checkout import place_order
from orders.defaults import ensure_defaults
from questionnaire.submission import submit
from releases.publish import publish_release
from support.threads import report_problem
from tests.acceptance_world import accepted, all_passed
from tests.apptest_helpers import INCIDENT_TEXT, all_text, app_like_server, click, load, open_page, run, texts
from tests.async_helpers import run_coroutine
from tests.backoffice_world import MB, MRA, in_testing, submitted
from tests.db_outage import Outage, outage
from tests.kisa_pages import users
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, fill_completely, make_world, opened, user_row
from tests.test_notifications_delivery import SmtpServer
from web.downloads import german_download_errors
from web.errors import handle_script_error

__all__ = ["app_like_server", "outage"]  # fixtures

S = OrderedProductState
runner = CliRunner()
UNTOUCHED = {"gemeinde", "alembic_version"}  # reference data


class Crash(RuntimeError):
    """The injected fault: a bug, a killed worker, a lost connection — anything that is not a DomainError."""


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table (but the reference data), ordered by primary key."""
    with Session(engine) as s:
        rows = {
            table.name: [tuple(r) for r in s.execute(select(table).order_by(*table.primary_key.columns)).all()]
            for table in SQLModel.metadata.sorted_tables if table.name not in UNTOUCHED
        }
        s.commit()
    return rows


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


@dataclass(frozen=True)
class UseCase:
    """A use case as a page runs it: ``prepare`` builds the world up to it and returns the call."""

    name: str
    prepare: Callable[[Session, World], Callable[[Session], object]]
    writes: frozenset[str]  # tables the use case changes when it succeeds


def _submit(session: Session, world: World) -> Callable[[Session], object]:
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])
    version = fill_completely(session, world.coordinator, questionnaire_id)
    return lambda s: submit(s, actor=world.coordinator, questionnaire_id=questionnaire_id, base_version=version)


def _place_order(session: Session, world: World) -> Callable[[Session], object]:
    contract_id = ensure_contract(session)
    add_to_cart(session, actor=world.other, product_id=MRA)
    revision = view_cart(session, actor=world.other).revision
    session.commit()
    return lambda s: place_order(s, actor=world.other, cart_revision=revision, contract_id=contract_id,
                                 authorised=True)


def ensure_contract(session: Session) -> int:
    from models import ModelContract

    ensure_defaults(session)
    session.commit()
    contract = session.exec(select(ModelContract)).one()
    session.commit()
    assert contract.id is not None
    return contract.id


def _take_over(session: Session, world: World) -> Callable[[Session], object]:
    questionnaire_id = submitted(session, world)
    return lambda s: take_over(s, actor=world.kisa, questionnaire_id=questionnaire_id)


def _go_live(session: Session, world: World) -> Callable[[Session], object]:
    questionnaire_id = submitted(session, world)
    ordered_id = world.ordered[MB].id or 0
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered_id):
        tick(session, actor=world.kisa, ordered_product_id=ordered_id, task=task.task, done=True)
    session.commit()
    return lambda s: go_live(s, actor=world.kisa, ordered_product_id=ordered_id)


def _accept(session: Session, world: World) -> Callable[[Session], object]:
    ordered_id = all_passed(session, world).id or 0
    session.commit()
    return lambda s: accept(s, actor=world.coordinator, ordered_product_id=ordered_id, remarks="Alles geprüft.")


def _confirm_live(session: Session, world: World) -> Callable[[Session], object]:
    ordered_id = accepted(session, world).id or 0
    session.commit()
    return lambda s: confirm_live(s, actor=world.coordinator, ordered_product_id=ordered_id, maintenance_off=True)


def _publish_release(session: Session, world: World) -> Callable[[Session], object]:
    in_testing(session, world)  # Riesa uses the product: it gets a notice and a mail
    row = session.get(CatalogProduct, MB)
    assert row is not None
    expected = row.version
    session.commit()
    return lambda s: publish_release(s, actor=world.kisa, product_id=MB, version="9.0.0",
                                     notes="Neue Gebührenordnung.", requires_config_review=True,
                                     expected_version=expected)


def _report_problem(session: Session, world: World) -> Callable[[Session], object]:
    ordered_id = in_testing(session, world).id or 0
    session.commit()
    return lambda s: report_problem(s, actor=world.colleague, ordered_product_id=ordered_id,
                                    title="Gebühr fehlt", text="Auf der letzten Seite steht keine Gebühr.")


LIFECYCLE = frozenset({"orderedproduct", "statechange", "auditevent", "outboxmail"})
USE_CASES = [
    UseCase("Fragebogen einreichen", _submit, LIFECYCLE | {"questionnairesubmission", "questionnaire"}),
    UseCase("Bestellen", _place_order, frozenset({"order", "orderline", "orderedproduct", "cart", "cartitem",
                                                  "auditevent", "outboxmail"})),
    UseCase("Konfiguration übernehmen", _take_over, LIFECYCLE | {"setuptask"}),
    UseCase("Go-Live", _go_live, LIFECYCLE),
    UseCase("Abnahme", _accept, LIFECYCLE | {"acceptance"}),
    UseCase("Livegang bestätigen", _confirm_live, LIFECYCLE | {"launchtask"}),
    UseCase("Version veröffentlichen", _publish_release, frozenset({"catalogproduct", "releasenotice", "auditevent",
                                                                    "outboxmail"})),
    UseCase("Problem melden", _report_problem, frozenset({"problemreport", "problemmessage", "auditevent",
                                                          "outboxmail"})),
]


@pytest.fixture
def world(session: Session) -> World:
    questionnaire_catalog(session)
    built = make_world(session)
    session.commit()
    return built


@pytest.fixture
def crash_on_first_mail(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Make rendering the first mail of a use case raise :class:`Crash` (every mail goes through render_mail)."""
    original = notifications.outbox.render_mail
    calls = {"armed": 0, "crashed": 0}

    def render(event: str, context: dict[str, Any]) -> Any:
        if calls["armed"]:
            calls["crashed"] += 1
            raise Crash(f"Absturz beim Erzeugen der E-Mail {event}")
        return original(event, context)

    monkeypatch.setattr(notifications.outbox, "render_mail", render)
    return calls


@pytest.mark.parametrize("case", USE_CASES, ids=lambda c: c.name)
def test_a_crash_in_the_middle_of_a_use_case_leaves_every_table_as_it_was(engine, session, world, case,
                                                                          crash_on_first_mail):
    run = case.prepare(session, world)
    session.commit()
    before = dump(engine)

    crash_on_first_mail["armed"] = 1  # the state change, history and audit rows are written, the mail crashes
    with pytest.raises(Crash), session_scope() as s:
        run(s)
    assert crash_on_first_mail["crashed"] == 1
    assert dump(engine) == before

    # Nothing half-done stands in the way: the same step succeeds afterwards, and writes what it should.
    crash_on_first_mail["armed"] = 0
    with session_scope() as s:
        run(s)
    assert changed_tables(before, dump(engine)) == case.writes


@pytest.mark.parametrize("case", USE_CASES, ids=lambda c: c.name)
def test_a_crash_after_every_write_reached_the_database_is_rolled_back(engine, session, world, case):
    run = case.prepare(session, world)
    session.commit()
    before = dump(engine)
    mails_before = len(before["outboxmail"])

    with pytest.raises(Crash), session_scope() as s:
        run(s)
        s.flush()
        # Inside the transaction the rows are in the database already …
        assert s.exec(select(func.count()).select_from(OutboxMail)).one() > mails_before
        raise Crash("Absturz vor dem Commit")
    # … and none of them is left once it failed.
    assert dump(engine) == before


# ---- the database goes away while a page is open, and comes back -----------------------------------------------
DB_MESSAGE = "Der OAA-Shop erreicht seine Datenbank gerade nicht."
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "OperationalError", "127.0.0.1", "locked", "This app has encountered")


BUSY_MESSAGE = "Die Datenbank ist gerade mit einer anderen Änderung beschäftigt."  # SQLite: the file stays locked


def assert_german_database_message(at: Any) -> str | None:
    """The page shows a German message and nothing technical; return the incident number if it has one.

    PostgreSQL away: "erreicht seine Datenbank gerade nicht" with an incident number. SQLite has no server: the
    outage holds its file lock, which the shop reports as busy ("nichts gespeichert, gleich erneut versuchen").
    """
    assert not at.exception, [e.value for e in at.exception]
    [message] = texts(at, "error") + texts(at, "warning")
    assert message.startswith((DB_MESSAGE, BUSY_MESSAGE)), message
    text = all_text(at)
    for leak in LEAKS:
        assert leak not in text, leak
    if message.startswith(BUSY_MESSAGE):
        return None
    match = re.search(rf"{INCIDENT_TEXT} \*\*([0-9A-F]{{8}})\*\*", message)
    assert match, message
    return match.group(1)


def _kisa_case(session: Session, world: World) -> tuple[Any, int]:
    submitted(session, world)
    kisa, _coordinator = users(session, world)
    return kisa, world.ordered[MB].id or 0


def _state(engine: Engine, ordered_id: int) -> OrderedProductState:
    [row] = load(engine, OrderedProduct, OrderedProduct.id == ordered_id)
    return row.state


def test_database_away_while_a_page_is_open_shows_a_german_message_and_the_page_recovers(engine, session, world,
                                                                                        outage: Outage, caplog):
    kisa, ordered_id = _kisa_case(session, world)
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})
    assert texts(at, "title") == ["Meldebescheinigung"]

    outage.begin()
    with caplog.at_level(logging.WARNING, logger="oaa.errors"):
        at.run()
    incident = assert_german_database_message(at)
    [logged] = [r for r in caplog.records if r.name == "oaa.errors"]
    if incident is None:  # SQLite: busy, logged as a warning with its own incident number
        assert "Datenbank blieb gesperrt" in logged.getMessage()
    else:
        assert incident in logged.getMessage() and "Datenbank nicht erreichbar" in logged.getMessage()

    outage.end()  # the same app, the same engine: the next rerun works again, still logged in
    run(at)
    assert texts(at, "title") == ["Meldebescheinigung"] and DB_MESSAGE not in all_text(at)


def test_database_away_when_a_button_is_clicked_changes_nothing_and_the_click_works_once_it_is_back(
        engine, session, world, outage: Outage):
    kisa, ordered_id = _kisa_case(session, world)
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})

    outage.begin()
    at.button(key=f"kc_take_{ordered_id}").click().run()  # the callback runs before app.py: st.App's error handler
    assert_german_database_message(at)
    outage.end()
    assert _state(engine, ordered_id) == S.SUBMITTED

    if [b for b in at.button if b.label == "Seite neu laden"]:  # the callback failed: only the message was drawn
        click(at, "Seite neu laden")
    else:  # SQLite busy: the page caught it (a DomainError) and drew itself around the message
        run(at)
    assert texts(at, "title") == ["Meldebescheinigung"]
    run(at, at.button(key=f"kc_take_{ordered_id}").click())
    assert _state(engine, ordered_id) == S.SETUP
    assert "Konfiguration übernommen." in all_text(at)


@pytest.mark.only_backend("postgresql")  # SQLite has no server to wait for; its busy timeout is tested above
def test_a_database_server_that_does_not_answer_gives_the_german_message_after_the_connect_timeout(
        engine, session, world, outage: Outage, monkeypatch):
    """A host behind a broken network accepts nothing and refuses nothing: without a connect timeout every page
    would wait for minutes (AppTest gives up after 30 s and fails this test)."""
    monkeypatch.setenv("OAA_DATABASE_CONNECT_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    reset_engine_cache()
    kisa, ordered_id = _kisa_case(session, world)
    at = open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})

    outage.begin(hanging=True)
    at.run()
    assert_german_database_message(at)
    outage.end()
    run(at)
    assert texts(at, "title") == ["Meldebescheinigung"]


def test_oaa_commands_report_a_database_that_cannot_be_reached_in_one_german_line(monkeypatch):
    """`oaa outbox send` runs every minute from a timer: an outage gives one line per run in its log, not 500."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("OAA_DATABASE_URL", f"postgresql+psycopg://oaa:geheim@127.0.0.1:{closed}/oaa")
    monkeypatch.delenv("OAA_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    reset_engine_cache()
    try:
        result = runner.invoke(oaa, ["outbox", "send"])
    finally:
        reset_engine_cache()
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Die Datenbank ist nicht erreichbar (") and "Der Befehl wurde abgebrochen" in line
    assert "geheim" not in line


# ---- a download cannot be made (memory, disk, a bug in the renderer) --------------------------------------------
@pytest.fixture
def deferred_files(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    """Keep the media file managers of AppTest's runs (it drops them after each run) to fetch deferred files."""
    managers: list[MediaFileManager] = []
    original = MediaFileManager.add_deferred

    def add_deferred(self: MediaFileManager, *args: Any, **kwargs: Any) -> str:
        managers.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    # What server.py does at start; restored afterwards.
    monkeypatch.setattr(DeferredFileHandler, "handle", DeferredFileHandler.handle)
    assert german_download_errors()
    return managers


def click_download(at: Any, label: str, managers: list[MediaFileManager]) -> Any:
    """Click a download button as the browser does: ask the server for the deferred file; return its answer."""
    [button] = [b for b in at.get("download_button") if b.proto.label == label]
    file_id = button.proto.deferred_file_id
    assert file_id, "not a deferred download"
    request = BackendOperationRequest(request_id="1", deferred_file=DeferredFileRequestPayload(file_id=file_id))
    return run_coroutine(DeferredFileHandler(lambda: managers[-1]).handle(request, "browser"))


def _configuration_pdf(engine: Engine, session: Session, world: World) -> Any:
    kisa, ordered_id = _kisa_case(session, world)
    return open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered_id)})


def _acceptance_pdf(engine: Engine, session: Session, world: World) -> Any:
    ordered_id = accepted(session, world).id or 0
    coordinator = user_row(session, world.coordinator)
    session.commit()
    return open_page(engine, "acceptance", user=coordinator, query={"nr": str(ordered_id)})


DOWNLOADS = [
    pytest.param(_configuration_pdf, "Konfiguration als PDF", "questionnaire.export.render_configuration",
                 MemoryError(), id="Konfiguration-Speicher-voll"),
    pytest.param(_acceptance_pdf, "Abnahmeprotokoll (PDF)", "acceptance.record.render_acceptance",
                 OSError(errno.ENOSPC, "No space left on device"), id="Abnahmeprotokoll-Platte-voll"),
]


@pytest.mark.parametrize(("open_download_page", "label", "renderer", "error"), DOWNLOADS)
def test_a_pdf_that_cannot_be_rendered_is_reported_in_german_and_the_page_stays(
        engine, session, world, deferred_files, monkeypatch, caplog, open_download_page, label, renderer, error):
    at = open_download_page(engine, session, world)
    assert click_download(at, label, deferred_files).deferred_file.url  # it works …

    def fail(*args: Any, **kwargs: Any) -> bytes:
        raise error

    monkeypatch.setattr(renderer, fail)  # … until the renderer runs out of memory or disk
    with caplog.at_level(logging.ERROR, logger="oaa.errors"):
        answer = click_download(at, label, deferred_files)
    assert not answer.HasField("deferred_file")
    [logged] = [r for r in caplog.records if r.name == "oaa.errors"]
    incident = re.fullmatch(r"Vorfall ([0-9A-F]{8}): .* konnte nicht erstellt werden", logged.getMessage())
    assert incident, logged.getMessage()
    assert logged.exc_info is not None and logged.exc_info[1] is error
    # What the browser shows under the button: German, with the number the log has.
    assert answer.error_msg == ("Die Datei konnte gerade nicht erstellt werden. Bitte versuchen Sie es in einigen "
                                "Minuten erneut. Wenn der Fehler bleibt, nennen Sie dem KISA-Support die "
                                f"Vorgangsnummer {incident.group(1)}.")
    run(at)  # the page itself is untouched
    assert [b.proto.label for b in at.get("download_button") if b.proto.label == label] == [label]


def test_server_py_installs_the_german_error_handling():
    """AppTest does not run server.py: check that the production entry point wires what the tests above use."""
    original = DeferredFileHandler.handle
    try:
        import server

        assert server.app._on_script_error is handle_script_error
        assert getattr(DeferredFileHandler.handle, "oaa_german", False)
    finally:
        DeferredFileHandler.handle = original  # type: ignore[method-assign]


# ---- the mail server is down ------------------------------------------------------------------------------------
def test_with_the_mail_server_down_a_submission_succeeds_and_its_mails_wait_in_the_outbox_until_it_is_back(
        engine, session, world, monkeypatch):
    smtp = SmtpServer()  # not started: connections to its port are refused
    for key, value in {"OAA_SMTP_HOST": "127.0.0.1", "OAA_SMTP_PORT": str(smtp.port), "OAA_SMTP_SECURITY": "none",
                       "OAA_SMTP_TIMEOUT_SECONDS": "5"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        run_submit = _submit(session, world)
        with session_scope() as s:  # no mail server is asked while the municipality submits
            run_submit(s)
        waiting = load(engine, OutboxMail)
        assert {m.event for m in waiting} == {"questionnaire.submitted", "questionnaire.received"}

        sent = runner.invoke(oaa, ["outbox", "send"])  # the timer's run while the server is down
        assert sent.exit_code == 0, sent.output
        assert "E-Mail-Versand: 0 versendet, 2 für neuen Versuch vorgemerkt, 0 endgültig fehlgeschlagen." in sent.output
        for mail in load(engine, OutboxMail):
            assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.claimed_at is None
            assert mail.next_attempt_at > mail.created_at and "ConnectionRefusedError" in mail.last_error

        # KISA sees it in the Postausgang: waiting, when the next try is, and why the last one failed.
        kisa = user_row(session, world.kisa)
        session.commit()
        at = open_page(engine, "outbox", user=kisa)
        at.selectbox(key="outbox_pick").select_index(0)
        run(at)
        text = all_text(at)
        assert f"**Status:** {STATUS_NAMES[MailStatus.PENDING]} · **Versuche:** 1" in text and "Nächster Versuch" in text
        assert any(e.startswith("Letzter Fehler: ConnectionRefusedError") for e in texts(at, "error"))

        smtp.start()
        assert "0 versendet" in runner.invoke(oaa, ["outbox", "send"]).output  # not due yet: no hammering
        clock.advance(60)  # the first back-off is one minute
        back = runner.invoke(oaa, ["outbox", "send"])
        assert "E-Mail-Versand: 2 versendet" in back.output, back.output
        assert {m.status for m in load(engine, OutboxMail)} == {MailStatus.SENT}
        assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(m.to_address for m in waiting)
    finally:
        smtp.stop()


# ---- the disk is full while writing the configuration export ---------------------------------------------------
def _exported(engine: Engine) -> int:
    return len(load(engine, AuditEvent, AuditEvent.action == "questionnaire.exported"))


class FullDisk:
    """Make the export's writes fail with ENOSPC while ``full`` is set — mid-write or only at fsync."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
        self.full = True
        self._write, self._fsync, self._fsyncs = core.files._write, os.fsync, 0
        if where == "beim Schreiben":
            monkeypatch.setattr(core.files, "_write", self.write)
        else:
            monkeypatch.setattr(os, "fsync", self.fsync)

    def write(self, handle: Any, content: bytes) -> None:
        if self.full and ".pdf." in handle.name:  # the PDF: half of it fits
            handle.write(content[: len(content) // 2])
            handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._write(handle, content)

    def fsync(self, fd: int) -> None:  # delayed allocation: the writes went through, the disk says no at the end
        self._fsyncs += 1
        if self.full and self._fsyncs == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._fsync(fd)


@pytest.mark.parametrize("where", ["beim Schreiben", "beim Sichern (fsync)"])
def test_a_full_disk_while_exporting_is_reported_in_german_and_leaves_no_half_written_file(
        engine, session, world, tmp_path, monkeypatch, where):
    submitted(session, world)
    out = tmp_path / "export"
    out.mkdir()
    earlier = out / f"{world.town.ags}_{MB}.json"
    earlier.write_bytes(b'{"aus": "einem fruheren Export"}')
    session.commit()
    disk = FullDisk(monkeypatch, where)

    result = runner.invoke(oaa, ["config", "export", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "Export abgebrochen: Auf dem Datenträger ist kein Platz mehr frei" in result.output
    assert "Es wurde keine Datei geschrieben oder verändert" in result.output
    assert "Traceback" not in result.output and "Errno" not in result.output
    assert os.listdir(out) == [earlier.name]  # no half PDF, no temporary file, the earlier export untouched
    assert earlier.read_bytes() == b'{"aus": "einem fruheren Export"}'
    assert _exported(engine) == 0  # not recorded as exported either

    disk.full = False  # space again
    again = runner.invoke(oaa, ["config", "export", "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert sorted(os.listdir(out)) == [f"{world.town.ags}_{MB}.json", f"{world.town.ags}_{MB}.pdf"]
    assert b"fruheren" not in earlier.read_bytes()
    assert _exported(engine) == 1


def test_an_export_folder_that_cannot_be_created_is_reported_in_german(engine, tmp_path):
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner", encoding="utf-8")
    result = runner.invoke(oaa, ["config", "export", "--out", str(blocked)])
    assert result.exit_code == 1
    assert f"Der Zielordner {blocked} lässt sich nicht anlegen: Dort liegt bereits eine Datei." in result.output
