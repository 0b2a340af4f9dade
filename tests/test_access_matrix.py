"""Access matrix: every public service function that takes an ``actor``, called by every kind of person against a
record of Riesa (municipality A).

One row per function (a few functions have a second row for another use): how to call it for an actor against
Riesa's record, and who may. The tests check for every row and person:

* whoever may, succeeds; what anyone outside Riesa (and KISA) gets back never holds Riesa's data;
* whoever may not, is refused with :class:`PermissionDenied` or :class:`NotFound` (or an empty answer where the
  function's convention is to answer with nothing, e.g. a badge count);
* a user of another municipality gets :class:`NotFound` for Riesa's records by id, never :class:`PermissionDenied`,
  and nobody outside Riesa can tell Riesa's record from one that does not exist (same refusal, same words);
* a disabled or pending account gets nothing; a person whose account was disabled after the page was shown (the
  actor in the browser session is still "active") is refused every binding action (``require_current``);
* the table covers every public function with an ``actor`` parameter in the service packages, so a new function
  without a row fails the suite.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from acceptance import launch, record, results, view
from accounts import administration, approval, directory, team, web_sessions
from accounts.actor import Actor
from accounts.registration import POSITIONS
from audit import log
from backoffice import dashboard, municipality_choice, queue, review, setup
from catalog import availability, store
from core.errors import DomainError, NotFound, PermissionDenied
from journey import timeline
from lifecycle import changes, machine
from models import (
    CatalogProduct,
    MailStatus,
    MasterData,
    ModelContract,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    OutboxMail,
    ProblemReport,
    ProblemStatus,
    Questionnaire,
    Role,
    TestOutcome,
    TestResult,
    User,
    UserStatus,
)
from notifications import outbox
from orders import cart, checkout, contract_document, contracts, funding, history
from questionnaire import copying, drafts, export, master, submission
from questionnaire import store as questionnaire_store
from questionnaire import team as questionnaire_team
from releases import publish
from releases import review as release_review
from support import threads
from tests.access_matrix_world import (
    ADMIN,
    AE,
    COORD_A,
    DISABLED,
    EVERYONE,
    INVITEE_B,
    KISA,
    MB,
    MUNICIPAL,
    MUNICIPAL_A,
    PENDING,
    READERS_OF_A,
    ROLES,
    STAFF,
    USER_A,
    USER_B,
    Ids,
    MatrixWorld,
    build,
    cart_revision,
)
from tests.builders import PASSWORD
from tests.conftest import KEEP_TABLES

S = OrderedProductState
PACKAGES = ("accounts", "orders", "questionnaire", "backoffice", "lifecycle", "acceptance", "support", "releases",
            "journey", "audit", "notifications", "catalog", "documents", "municipalities")
# Public functions with an actor that are not service entry points, and why they need no row.
EXEMPT = {
    "accounts.access.require_role": "the role check itself (used by every row)",
    "accounts.access.require_staff": "the role check itself (used by every row)",
    "accounts.access.require_current": "the account check itself (the disabled-meanwhile test of every write row)",
    "accounts.access.may_see_tenant": "the tenant check itself (the rows of every record kind)",
    "accounts.access.scope_to_tenant": "the tenant check of lists (the list rows)",
    "audit.log.record": "writes the audit event of an action; the actor is who is recorded, not who asks",
    "questionnaire.drafts.apply_changes": "writes into a questionnaire its callers locked and checked "
                                          "(editable_for_update: rows save_step, apply_master, copy_answers)",
    # Re-authentication works on the caller's own login session, not on a tenant's records; another person's
    # session is refused in tests/test_accounts_reauth.py and tests/test_accounts_sso.py.
    "accounts.reauth.confirm_password": "confirms the caller's own login session (tests/test_accounts_reauth.py)",
    "accounts.reauth.require_recent_auth": "checks the caller's own login session (tests/test_accounts_reauth.py)",
    "accounts.sso.confirm_sso": "confirms the caller's own login session (tests/test_accounts_sso.py)",
}

Call = Callable[[Session, Actor, Ids], Any]
Arrange = Callable[[Session, "MatrixWorld"], None]


@dataclass(frozen=True)
class Row:
    """One function (``covers``), how to call it against Riesa's record, and who may."""

    covers: str
    call: Call
    may: frozenset[str]
    by_id: bool = False  # reaches for one of Riesa's records by its id
    write: bool = False  # a binding action: refused for an account disabled since the page was shown
    empty: bool = False  # refuses by answering with nothing (None, 0, []) instead of an exception
    shows_a: bool = False  # what Riesa's readers get names Riesa (proves the leak check can see it)
    arrange: Arrange | None = None  # puts the record in the state the call needs (in the rolled-back transaction)
    note: str = ""

    @property
    def id(self) -> str:
        return self.covers + (f"[{self.note}]" if self.note else "")


# ---- arrangements (plain database changes, undone with the test's transaction) -------------------------------------
def _state(ordered_id: Callable[[Ids], int], state: OrderedProductState) -> Arrange:
    def arrange(s: Session, w: MatrixWorld) -> None:
        row = s.get(OrderedProduct, ordered_id(w.ids))
        assert row is not None
        row.state = state
        s.add(row)
        s.flush()
    return arrange


def _in_setup(*, all_ticked: bool) -> Arrange:
    def arrange(s: Session, w: MatrixWorld) -> None:
        review.take_over(s, actor=w.actors[KISA], questionnaire_id=w.ids.q_mra)
        if all_ticked:
            for task in setup.checklist(s, actor=w.actors[KISA], ordered_product_id=w.ids.mra):
                setup.tick(s, actor=w.actors[KISA], ordered_product_id=w.ids.mra, task=task.task, done=True)
        s.flush()
    return arrange


def _report_solved(s: Session, w: MatrixWorld) -> None:
    report = s.get(ProblemReport, w.ids.report)
    assert report is not None
    report.status = ProblemStatus.SOLVED
    s.add(report)
    s.flush()


def _mail_failed(s: Session, w: MatrixWorld) -> None:
    mail = s.get(OutboxMail, w.ids.mail)
    assert mail is not None
    mail.status = MailStatus.FAILED
    s.add(mail)
    s.flush()


# ---- small readers the calls need (what the page showed the person) ------------------------------------------------
def _version(s: Session, questionnaire_id: int) -> int:
    return s.exec(select(Questionnaire.version).where(Questionnaire.id == questionnaire_id)).first() or 0


def _ags(s: Session, municipality_id: int) -> str:
    return s.exec(select(Municipality.ags).where(Municipality.id == municipality_id)).one()


def _master_version(s: Session, a: Actor) -> int:
    return s.exec(select(MasterData.version).where(MasterData.municipality_id == a.municipality_id)).first() or 0


def _catalog_version(s: Session, product_id: str) -> int:
    return s.exec(select(CatalogProduct.version).where(CatalogProduct.id == product_id)).first() or 0


def _result_version(s: Session, i: Ids) -> int:
    return s.exec(select(TestResult.version).where(TestResult.ordered_product_id == i.fw, TestResult.item == i.first_item)
                  .order_by(col(TestResult.round).desc())).first() or 0


def _contract_id(s: Session) -> int:
    return s.exec(select(ModelContract.id).order_by(col(ModelContract.valid_from).desc())).first() or 0


def _ordered(s: Session, i: Ids) -> OrderedProduct:
    """Riesa's live product as loaded by a caller (a made-up one for the ghost ids)."""
    return s.get(OrderedProduct, i.mb) or OrderedProduct(id=i.mb, municipality_id=i.town, product_id=MB, state=S.LIVE)


def _ids(found: list[int], name: str = "questionnaire_id") -> str:
    return ", ".join(f"{name}={i}" for i in found)


def _changed_product(s: Session) -> dict[str, Any]:
    data = store.get_product(s, AE)[0].model_dump(mode="json")
    data["short_description"] = "Online-Antrag: Akteneinsicht (geändert)."
    return data


# ---- the table -----------------------------------------------------------------------------------------------------
ROWS: tuple[Row, ...] = (
    # accounts
    Row("accounts.web_sessions.start", lambda s, a, i: web_sessions.start(s, actor=a), EVERYONE - {DISABLED},
        write=True, note="Anmeldung; wartende Konten sehen, dass sie warten"),
    Row("accounts.team.list_team", lambda s, a, i: team.list_team(s, actor=a), MUNICIPAL | STAFF),
    Row("accounts.team.create_invited_colleague", lambda s, a, i: team.create_invited_colleague(
        s, actor=a, full_name="Nora Neu", email="nora.neu@test.example", position=POSITIONS[0]),
        frozenset({COORD_A, USER_B}), write=True),
    Row("accounts.team.invite_colleague", lambda s, a, i: team.invite_colleague(
        s, actor=a, full_name="Nora Neu", email="nora.neu@test.example", position=POSITIONS[0]),
        frozenset({COORD_A, USER_B}), write=True),
    Row("accounts.administration.list_accounts", lambda s, a, i: administration.list_accounts(s, actor=a),
        frozenset({ADMIN})),
    Row("accounts.administration.account_page", lambda s, a, i: administration.account_page(s, actor=a),
        frozenset({ADMIN})),
    Row("accounts.administration.create_staff_account", lambda s, a, i: administration.create_staff_account(
        s, actor=a, email="neu@kisa.example", full_name="Nele Neu", password=PASSWORD, role=Role.KISA),
        frozenset({ADMIN}), write=True),
    Row("accounts.administration.set_disabled", lambda s, a, i: administration.set_disabled(
        s, actor=a, user_id=i.colleague_user, disabled=True), frozenset({ADMIN}), by_id=True, write=True),
    Row("accounts.approval.pending_page", lambda s, a, i: approval.pending_page(s, actor=a, number=1, size=10), STAFF),
    Row("accounts.approval.approve", lambda s, a, i: approval.approve(s, actor=a, user_id=i.pending_user), STAFF,
        by_id=True, write=True),
    Row("accounts.approval.reject", lambda s, a, i: approval.reject(
        s, actor=a, user_id=i.pending_user, reason="Nicht vertretungsberechtigt."), STAFF, by_id=True, write=True),
    Row("accounts.directory.get_municipality", lambda s, a, i: directory.get_municipality(
        s, actor=a, municipality_id=i.town), READERS_OF_A, by_id=True, empty=True, shows_a=True),
    Row("accounts.directory.get_user", lambda s, a, i: directory.get_user(s, actor=a, user_id=i.colleague_user),
        READERS_OF_A, by_id=True, empty=True, shows_a=True),
    Row("accounts.directory.list_municipalities", lambda s, a, i: directory.list_municipalities(s, actor=a), STAFF),
    # orders
    Row("orders.cart.view_cart", lambda s, a, i: cart.view_cart(s, actor=a), MUNICIPAL),
    Row("orders.cart.add_to_cart", lambda s, a, i: cart.add_to_cart(s, actor=a, product_id=AE), MUNICIPAL,
        write=True),
    Row("orders.cart.remove_from_cart", lambda s, a, i: cart.remove_from_cart(s, actor=a, product_id=AE), MUNICIPAL,
        write=True),
    Row("orders.cart.cart_size", lambda s, a, i: cart.cart_size(s, actor=a), MUNICIPAL, empty=True),
    Row("orders.checkout.place_order", lambda s, a, i: checkout.place_order(
        s, actor=a, cart_revision=cart_revision(s, a), contract_id=_contract_id(s), authorised=True), MUNICIPAL,
        write=True),
    Row("orders.history.list_orders", lambda s, a, i: history.list_orders(s, actor=a), MUNICIPAL | STAFF),
    Row("orders.history.order_page", lambda s, a, i: history.order_page(s, actor=a), MUNICIPAL | STAFF),
    Row("orders.history.get_order", lambda s, a, i: history.get_order(s, actor=a, order_id=i.order), READERS_OF_A,
        by_id=True, shows_a=True),
    Row("orders.history.cancel_line", lambda s, a, i: history.cancel_line(
        s, actor=a, order_id=i.order, line_id=i.line_ws), MUNICIPAL_A, by_id=True, write=True),
    Row("orders.contract_document.contract_data", lambda s, a, i: contract_document.contract_data(
        s, actor=a, order_id=i.order), READERS_OF_A, by_id=True, shows_a=True, note="Vertrags-PDF"),
    Row("orders.contracts.publish_contract", lambda s, a, i: contracts.publish_contract(
        s, actor=a, version="2099-1", title="Mustervertrag 2099", body="Vertragstext. " * 10,
        valid_from=date(2099, 1, 1)), STAFF, write=True),
    Row("orders.funding.add_programme", lambda s, a, i: funding.add_programme(
        s, actor=a, name="Förderprogramm Test", setup_percent=50, licence_percent=50, valid_from=date(2030, 1, 1),
        valid_to=None), STAFF, write=True),
    # questionnaire
    Row("questionnaire.store.get_questionnaire", lambda s, a, i: questionnaire_store.get_questionnaire(
        s, actor=a, questionnaire_id=i.q_gu), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.store.get_ordered", lambda s, a, i: questionnaire_store.get_ordered(
        s, actor=a, ordered_product_id=i.gu), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.drafts.open_questionnaire", lambda s, a, i: drafts.open_questionnaire(
        s, actor=a, ordered_product_id=i.gu), READERS_OF_A, by_id=True, note="begonnen"),
    Row("questionnaire.drafts.open_questionnaire", lambda s, a, i: drafts.open_questionnaire(
        s, actor=a, ordered_product_id=i.ws), MUNICIPAL_A, by_id=True, write=True, note="legt an"),
    Row("questionnaire.drafts.read_questionnaire", lambda s, a, i: drafts.read_questionnaire(
        s, actor=a, questionnaire_id=i.q_gu), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.drafts.editable_for_update", lambda s, a, i: drafts.editable_for_update(
        s, actor=a, questionnaire_id=i.q_gu), MUNICIPAL_A, by_id=True, write=True, shows_a=True),
    Row("questionnaire.drafts.save_step", lambda s, a, i: drafts.save_step(
        s, actor=a, questionnaire_id=i.q_gu, step_key="kontakte", raw={"kontakte.abteilung": "Standesamt"},
        base_version=_version(s, i.q_gu)), MUNICIPAL_A, by_id=True, write=True),
    Row("questionnaire.drafts.list_questionnaires", lambda s, a, i: drafts.list_questionnaires(s, actor=a),
        MUNICIPAL | STAFF),
    Row("questionnaire.submission.submit", lambda s, a, i: submission.submit(
        s, actor=a, questionnaire_id=i.q_gu, base_version=_version(s, i.q_gu)), MUNICIPAL_A, by_id=True,
        write=True),
    Row("questionnaire.submission.list_submissions", lambda s, a, i: submission.list_submissions(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.copying.copy_targets", lambda s, a, i: copying.copy_targets(
        s, actor=a, questionnaire_id=i.q_gu), MUNICIPAL_A, by_id=True, shows_a=True),
    Row("questionnaire.copying.copy_answers", lambda s, a, i: copying.copy_answers(
        s, actor=a, questionnaire_id=i.q_gu, target_ordered_ids=[i.ws], step_keys=["kontakte"]), MUNICIPAL_A,
        by_id=True, write=True),
    Row("questionnaire.master.read_master", lambda s, a, i: master.read_master(s, actor=a), MUNICIPAL),
    Row("questionnaire.master.save_master", lambda s, a, i: master.save_master(
        s, actor=a, raw={"amt24.mandant": "Mandant neu"}, base_version=_master_version(s, a)), MUNICIPAL,
        write=True),
    Row("questionnaire.master.differing_drafts", lambda s, a, i: master.differing_drafts(s, actor=a), MUNICIPAL),
    Row("questionnaire.master.apply_master", lambda s, a, i: master.apply_master(
        s, actor=a, questionnaire_ids=[i.q_gu], keys=("amt24.mandant",)), MUNICIPAL_A, by_id=True, write=True),
    Row("questionnaire.master.adopt_as_master", lambda s, a, i: master.adopt_as_master(
        s, actor=a, questionnaire_id=i.q_gu), MUNICIPAL_A, by_id=True, write=True),
    Row("questionnaire.team.invite_to_questionnaires", lambda s, a, i: questionnaire_team.invite_to_questionnaires(
        s, actor=a, questionnaire_ids=[i.q_gu], email="nora.neu@test.example", full_name="Nora Neu",
        position=POSITIONS[0], steps=["kontakte"]), frozenset({COORD_A}), by_id=True, write=True),
    Row("questionnaire.team.my_assignments", lambda s, a, i: questionnaire_team.my_assignments(s, actor=a),
        MUNICIPAL),
    Row("questionnaire.export.build_export", lambda s, a, i: export.build_export(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.export.export_json", lambda s, a, i: export.export_json(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.export.configuration_data", lambda s, a, i: export.configuration_data(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, shows_a=True),
    Row("questionnaire.export.configuration_pdf", lambda s, a, i: export.configuration_pdf(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, note="Konfigurations-PDF"),
    Row("questionnaire.export.find_questionnaires", lambda s, a, i: _ids(export.find_questionnaires(s, actor=a)),
        MUNICIPAL | STAFF, empty=True, shows_a=True),
    Row("questionnaire.export.export_files", lambda s, a, i: export.export_files(
        s, actor=a, questionnaire_ids=[i.q_mra]), READERS_OF_A, by_id=True),
    Row("questionnaire.export.export_zip", lambda s, a, i: export.export_zip(
        s, actor=a, questionnaire_ids=[i.q_mra]), READERS_OF_A, by_id=True, note="ZIP"),
    # back office
    Row("backoffice.dashboard.dashboard", lambda s, a, i: dashboard.dashboard(s, actor=a), STAFF),
    Row("backoffice.queue.work_queue", lambda s, a, i: queue.work_queue(s, actor=a), STAFF),
    Row("backoffice.queue.queue_page", lambda s, a, i: queue.queue_page(s, actor=a), STAFF),
    Row("backoffice.municipality_choice.find_municipalities_with_orders",
        lambda s, a, i: municipality_choice.find_municipalities_with_orders(s, actor=a), STAFF),
    Row("backoffice.municipality_choice.municipality_with_orders",
        lambda s, a, i: municipality_choice.municipality_with_orders(s, actor=a, ags=_ags(s, i.town)), STAFF),
    Row("backoffice.dashboard.dashboard_version", lambda s, a, i: dashboard.dashboard_version(s, actor=a), STAFF),
    Row("backoffice.queue.queue_item", lambda s, a, i: queue.queue_item(s, actor=a, ordered_product_id=i.mb), STAFF,
        by_id=True, shows_a=True, note="Vorgang"),
    Row("backoffice.queue.staff_members", lambda s, a, i: queue.staff_members(s, actor=a), STAFF),
    Row("backoffice.queue.assign", lambda s, a, i: queue.assign(
        s, actor=a, ordered_product_id=i.mb, staff_user_id=None), STAFF, by_id=True, write=True),
    Row("backoffice.review.read_review", lambda s, a, i: review.read_review(s, actor=a, questionnaire_id=i.q_mra),
        STAFF, by_id=True, shows_a=True),
    Row("backoffice.review.add_comment", lambda s, a, i: review.add_comment(
        s, actor=a, questionnaire_id=i.q_mra, question_key="kontakte.abteilung", text="Bitte präzisieren."), STAFF,
        by_id=True, write=True),
    Row("backoffice.review.delete_comment", lambda s, a, i: review.delete_comment(s, actor=a, comment_id=i.comment),
        STAFF, by_id=True, write=True),
    Row("backoffice.review.ask_back", lambda s, a, i: review.ask_back(
        s, actor=a, questionnaire_id=i.q_mra, message="Bitte prüfen Sie das Transferverzeichnis."), STAFF,
        by_id=True, write=True),
    Row("backoffice.review.take_over", lambda s, a, i: review.take_over(s, actor=a, questionnaire_id=i.q_mra), STAFF,
        by_id=True, write=True),
    Row("backoffice.review.sent_comments", lambda s, a, i: review.sent_comments(
        s, actor=a, questionnaire_id=i.q_mra), READERS_OF_A, by_id=True, shows_a=True),
    Row("backoffice.setup.checklist", lambda s, a, i: setup.checklist(s, actor=a, ordered_product_id=i.mb), STAFF,
        by_id=True),
    Row("backoffice.setup.tick", lambda s, a, i: setup.tick(
        s, actor=a, ordered_product_id=i.mra, task="konfiguration", done=True), STAFF, by_id=True, write=True,
        arrange=_in_setup(all_ticked=False)),
    Row("backoffice.setup.go_live", lambda s, a, i: setup.go_live(s, actor=a, ordered_product_id=i.mra), STAFF,
        by_id=True, write=True, arrange=_in_setup(all_ticked=True)),
    # lifecycle
    Row("lifecycle.machine.transition", lambda s, a, i: machine.transition(
        s, actor=a, ordered=_ordered(s, i), target=S.CHANGE_REQUESTED), MUNICIPAL_A, by_id=True,
        note="Aufrufer prüfen das Konto (require_current)"),
    Row("lifecycle.changes.request_change", lambda s, a, i: changes.request_change(
        s, actor=a, ordered_product_id=i.mb, reason="Neue Gebührensatzung"), MUNICIPAL_A, by_id=True, write=True),
    Row("lifecycle.changes.terminate", lambda s, a, i: changes.terminate(
        s, actor=a, ordered_product_id=i.mb, reason="Kündigung zum Jahresende"), STAFF, by_id=True, write=True),
    # test, acceptance, go-live
    Row("acceptance.view.acceptance_view", lambda s, a, i: view.acceptance_view(s, actor=a, ordered_product_id=i.mb),
        READERS_OF_A, by_id=True, shows_a=True),
    Row("acceptance.view.acceptance_list", lambda s, a, i: view.acceptance_list(s, actor=a), MUNICIPAL | STAFF),
    Row("acceptance.view.acceptance_page", lambda s, a, i: view.acceptance_page(s, actor=a), MUNICIPAL | STAFF),
    Row("questionnaire.drafts.questionnaire_page", lambda s, a, i: drafts.questionnaire_page(s, actor=a),
        MUNICIPAL | STAFF),
    Row("acceptance.results.locked_ordered", lambda s, a, i: results.locked_ordered(s, a, i.fw), READERS_OF_A,
        by_id=True, shows_a=True),
    Row("acceptance.results.record_result", lambda s, a, i: results.record_result(
        s, actor=a, ordered_product_id=i.fw, item=i.first_item, outcome=TestOutcome.NOT_APPLICABLE,
        tester="Tina Test", base_version=_result_version(s, i)), MUNICIPAL_A, by_id=True, write=True),
    Row("acceptance.record.accept", lambda s, a, i: record.accept(s, actor=a, ordered_product_id=i.fw),
        frozenset({COORD_A}), by_id=True, write=True),
    Row("acceptance.record.acceptance_document", lambda s, a, i: record.acceptance_document(
        s, actor=a, ordered_product_id=i.mb), READERS_OF_A, by_id=True, shows_a=True),
    Row("acceptance.record.acceptance_pdf", lambda s, a, i: record.acceptance_pdf(
        s, actor=a, ordered_product_id=i.mb), READERS_OF_A, by_id=True, note="Abnahmeprotokoll"),
    Row("acceptance.launch.confirm_live", lambda s, a, i: launch.confirm_live(
        s, actor=a, ordered_product_id=i.mb, maintenance_off=True), frozenset({COORD_A}), by_id=True, write=True,
        arrange=_state(lambda i: i.mb, S.ACCEPTED)),
    Row("acceptance.launch.tick_launch_task", lambda s, a, i: launch.tick_launch_task(
        s, actor=a, ordered_product_id=i.mb, task="website", done=True), MUNICIPAL_A, by_id=True, write=True),
    # problem threads
    Row("support.threads.report_problem", lambda s, a, i: threads.report_problem(
        s, actor=a, ordered_product_id=i.fw, title="Absenden schlägt fehl", text="Fehlermeldung beim Absenden."),
        MUNICIPAL_A, by_id=True, write=True),
    Row("support.threads.reply", lambda s, a, i: threads.reply(s, actor=a, report_id=i.report, text="Danke."),
        READERS_OF_A, by_id=True, write=True),
    Row("support.threads.mark_solved", lambda s, a, i: threads.mark_solved(s, actor=a, report_id=i.report),
        READERS_OF_A, by_id=True, write=True),
    Row("support.threads.reopen", lambda s, a, i: threads.reopen(
        s, actor=a, report_id=i.report, reason="Tritt wieder auf."), READERS_OF_A, by_id=True, write=True,
        arrange=_report_solved),
    Row("support.threads.list_problems", lambda s, a, i: threads.list_problems(s, actor=a), MUNICIPAL | STAFF,
        shows_a=True),
    Row("support.threads.list_problems", lambda s, a, i: threads.list_problems(
        s, actor=a, ordered_product_id=i.mb, municipality_id=i.town), MUNICIPAL | STAFF,
        note="gefiltert nach Riesas Produkt"),
    Row("support.threads.problems_page", lambda s, a, i: threads.problems_page(s, actor=a, number=1, size=10),
        MUNICIPAL | STAFF, shows_a=True),
    Row("support.threads.read_problem", lambda s, a, i: threads.read_problem(s, actor=a, report_id=i.report),
        READERS_OF_A, by_id=True, shows_a=True),
    Row("support.threads.open_count_for", lambda s, a, i: threads.open_count_for(s, actor=a), MUNICIPAL | STAFF,
        empty=True),
    Row("support.threads.reportable_products", lambda s, a, i: threads.reportable_products(s, actor=a), MUNICIPAL),
    Row("support.threads.checklist_item_label", lambda s, a, i: threads.checklist_item_label(
        s, actor=a, ordered_product_id=i.mb, key="absenden"), MUNICIPAL_A, by_id=True),
    Row("support.threads.municipalities_with_problems", lambda s, a, i: threads.municipalities_with_problems(
        s, actor=a), STAFF),
    # release notices
    Row("releases.publish.audience", lambda s, a, i: publish.audience(s, actor=a, product_id=MB), STAFF),
    Row("releases.publish.publish_release", lambda s, a, i: publish.publish_release(
        s, actor=a, product_id=MB, version="6.0", notes="Fehlerbehebungen.", requires_config_review=False,
        expected_version=_catalog_version(s, MB)), STAFF, write=True),
    Row("releases.review.releases_for_municipality", lambda s, a, i: release_review.releases_for_municipality(
        s, actor=a), MUNICIPAL, shows_a=True),
    Row("releases.review.confirm_reviewed", lambda s, a, i: release_review.confirm_reviewed(
        s, actor=a, notice_id=i.notice), MUNICIPAL_A, by_id=True, write=True),
    Row("releases.review.settle_by_change", lambda s, a, i: release_review.settle_by_change(
        s, actor=a, ordered_product_id=i.mb, reason="Änderung beantragt"), MUNICIPAL_A, by_id=True, write=True),
    Row("releases.review.release_overview", lambda s, a, i: release_review.release_overview(s, actor=a), STAFF),
    Row("releases.review.open_review_count", lambda s, a, i: release_review.open_review_count(s, actor=a),
        MUNICIPAL | STAFF),
    # journey
    Row("journey.timeline.product_journey", lambda s, a, i: timeline.product_journey(
        s, actor=a, ordered_product_id=i.mb), READERS_OF_A, by_id=True, shows_a=True),
    Row("journey.timeline.municipality_journey", lambda s, a, i: timeline.municipality_journey(
        s, actor=a, municipality_id=i.town), MUNICIPAL | STAFF, shows_a=True,
        note="Kommunen sehen immer die eigene"),
    Row("journey.timeline.municipality_overview", lambda s, a, i: timeline.municipality_overview(
        s, actor=a, municipality_id=i.town), MUNICIPAL | STAFF, shows_a=True,
        note="Kommunen sehen immer die eigene"),
    Row("journey.timeline.product_journeys", lambda s, a, i: timeline.product_journeys(
        s, actor=a, municipality_id=i.town, ordered_product_ids=[i.mb]), MUNICIPAL | STAFF, shows_a=True,
        note="Kommunen sehen immer die eigene"),
    # audit log and mails (staff only)
    Row("audit.log.list_events", lambda s, a, i: log.list_events(s, actor=a), STAFF),
    Row("notifications.outbox.list_mails", lambda s, a, i: outbox.list_mails(s, actor=a), STAFF),
    Row("notifications.outbox.count_by_status", lambda s, a, i: outbox.count_by_status(s, actor=a), STAFF),
    Row("notifications.outbox.get_mail", lambda s, a, i: outbox.get_mail(s, actor=a, mail_id=i.mail), STAFF,
        by_id=True, shows_a=True),
    Row("notifications.outbox.unclear_mail_ids", lambda s, a, i: outbox.unclear_mail_ids(s, actor=a), STAFF),
    Row("notifications.outbox.retry_mail", lambda s, a, i: outbox.retry_mail(s, actor=a, mail_id=i.mail), STAFF,
        by_id=True, write=True, arrange=_mail_failed),
    # catalogue
    Row("catalog.availability.for_product", lambda s, a, i: availability.for_product(s, actor=a, product_id=MB),
        EVERYONE, shows_a=True, note="öffentlich; fremde Kommunen nur gezählt"),
    Row("catalog.availability.for_municipality", lambda s, a, i: availability.for_municipality(
        s, actor=a, municipality_id=i.town), READERS_OF_A, by_id=True, empty=True, shows_a=True),
    Row("catalog.store.import_catalog", lambda s, a, i: store.import_catalog(
        s, products=store.load_products(s), actor=a), STAFF, write=True),
    Row("catalog.store.save_product", lambda s, a, i: store.save_product(
        s, actor=a, data=_changed_product(s), expected_version=_catalog_version(s, AE)), STAFF, write=True),
    Row("catalog.store.retire_product", lambda s, a, i: store.retire_product(
        s, actor=a, product_id=AE, expected_version=_catalog_version(s, AE)), STAFF, write=True),
)
WRITE_CASES = [(row, role) for row in ROWS if row.write for role in ROLES if role in row.may]


# ---- the world, once per backend -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matrix(database_url: str) -> Iterator[tuple[Engine, MatrixWorld]]:
    """Riesa's world on the test database, built once; the tables are emptied afterwards as after any test."""
    from core.config import get_settings
    from core.db import make_engine, reset_engine_cache

    patch = pytest.MonkeyPatch()
    patch.setenv("OAA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    reset_engine_cache()
    engine = make_engine(database_url)  # as the app's: on SQLite BEGIN IMMEDIATE, so savepoints roll back too
    try:
        with Session(engine, expire_on_commit=False) as session:
            world = build(session)
        yield engine, world
    finally:
        with Session(engine) as session:
            for table in reversed(SQLModel.metadata.sorted_tables):
                if table.name not in KEEP_TABLES:
                    session.execute(table.delete())
            session.commit()
        engine.dispose()
        reset_engine_cache()
        patch.undo()
        get_settings.cache_clear()


@dataclass
class Outcome:
    """What a call gave: a result (and its text, for the leak check) or a domain error."""

    result: Any = None
    error: DomainError | None = None
    text: str = ""

    @property
    def refusal(self) -> tuple[str, str]:
        """How the call answered, as a person would notice: the kind of refusal and its words, or empty or not."""
        if self.error is not None:
            return type(self.error).__name__, str(self.error)
        return "Antwort", "leer" if not self.result else "mit Inhalt"


def call(engine: Engine, world: MatrixWorld, row: Row, actor: Actor, ids: Ids, *,
         disable_meanwhile: bool = False) -> Outcome:
    """Call the row's function as ``actor`` in a transaction of its own, rolled back afterwards."""
    with Session(engine, expire_on_commit=False) as s:
        try:
            if row.arrange is not None:
                row.arrange(s, world)
            if disable_meanwhile:  # an administrator disabled the account after the page was shown
                user = s.get(User, actor.user_id)
                assert user is not None
                user.status = UserStatus.DISABLED
                s.add(user)
                s.flush()
            try:
                result = row.call(s, actor, ids)
            except DomainError as exc:
                return Outcome(error=exc)
            return Outcome(result=result, text=repr(result))
        finally:
            s.rollback()


def _refused(row: Row, outcome: Outcome) -> bool:
    if outcome.error is not None:
        return isinstance(outcome.error, PermissionDenied | NotFound)
    return row.empty and not outcome.result


# ---- the tests -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_who_may_succeeds_and_everyone_else_is_refused_without_seeing_riesa(matrix, row: Row, role: str):
    engine, world = matrix
    outcome = call(engine, world, row, world.actors[role], world.ids)
    if role in row.may:
        assert outcome.error is None, f"{role} darf {row.id}, bekam aber: {outcome.refusal}"
    else:
        assert _refused(row, outcome), f"{role} darf {row.id} nicht, bekam aber: {outcome.refusal} {outcome.text[:300]}"
    if role in READERS_OF_A:
        if row.shows_a and outcome.error is None:
            assert world.leaks(outcome.text), f"{row.id}: Riesas Daten nicht erkennbar in {outcome.text[:300]}"
    else:
        assert world.leaks(outcome.text) == [], f"{role} sieht Riesas Daten über {row.id}: {outcome.text[:500]}"


# Outsiders only: a role that may call the function gets the person's own data (checked for leaks above).
OUTSIDERS_BY_ID = [(row, role) for row in ROWS if row.by_id for role in ROLES
                   if role not in READERS_OF_A and role not in row.may]


@pytest.mark.parametrize(("row", "role"), OUTSIDERS_BY_ID, ids=[f"{row.id}-{role}" for row, role in OUTSIDERS_BY_ID])
def test_outside_riesa_a_record_by_id_looks_exactly_like_one_that_does_not_exist(matrix, row: Row, role: str):
    engine, world = matrix
    actor = world.actors[role]
    real = call(engine, world, row, actor, world.ids)
    ghost = call(engine, world, row, actor, world.ids.ghost())
    assert real.refusal == ghost.refusal, f"{role} erkennt an {row.id}, dass es Riesas Datensatz gibt"
    strangers_with_the_right = {USER_B} if COORD_A in row.may else {USER_B, INVITEE_B} if USER_A in row.may else set()
    if role in strangers_with_the_right and not row.empty:  # a municipal user who could do it at home
        assert isinstance(real.error, NotFound), f"{role} bekam für {row.id} {real.refusal}, nicht „nicht gefunden“"


@pytest.mark.parametrize(("row", "role"), WRITE_CASES, ids=[f"{r.id}-{role}" for r, role in WRITE_CASES])
def test_an_account_disabled_after_the_page_was_shown_is_refused_every_binding_action(matrix, row: Row, role: str):
    engine, world = matrix
    actor = world.actors[role]
    assert actor.status == UserStatus.ACTIVE or role == PENDING
    outcome = call(engine, world, row, actor, world.ids, disable_meanwhile=True)
    assert isinstance(outcome.error, PermissionDenied), f"{row.id} als deaktiviertes Konto ({role}): {outcome.refusal}"


def _public_functions_with_an_actor() -> set[str]:
    found = set()
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            module = importlib.import_module(info.name)
            for name, function in vars(module).items():
                if (not name.startswith("_") and inspect.isfunction(function) and function.__module__ == module.__name__
                        and "actor" in inspect.signature(function).parameters):
                    found.add(f"{module.__name__}.{name}")
    return found


def test_the_table_covers_every_public_function_with_an_actor():
    functions = _public_functions_with_an_actor()
    covered = {row.covers for row in ROWS}
    assert sorted(functions - covered - set(EXEMPT)) == [], "Funktionen ohne Zeile in der Zugriffsmatrix"
    assert sorted((covered | set(EXEMPT)) - functions) == [], "Zeilen für Funktionen, die es nicht (mehr) gibt"
    assert len(functions) > 100  # the packages were found


def test_every_row_names_who_may_and_only_the_public_catalogue_is_open_to_disabled_accounts():
    for row in ROWS:
        assert row.may and row.may <= set(ROLES), row.id
        assert DISABLED not in row.may or row.covers == "catalog.availability.for_product", row.id
