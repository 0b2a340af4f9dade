"""Rows of the scale data set: municipalities, people, catalogue, orders and ordered products through the lifecycle.

Everything is generated deterministically from a seed and written with bench/scale/bulk.py. Ids are given
explicitly so foreign keys are consistent without reading anything back.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from bench.scale.templates import Templates
from lifecycle.machine import STAFF, allowed
from models import (
    Acceptance,
    AuditEvent,
    Cart,
    CartItem,
    LaunchTask,
    MailStatus,
    MasterData,
    Municipality,
    MunicipalityStatus,
    Order,
    OrderedProduct,
    OrderedProductState,
    OrderLine,
    OutboxMail,
    ProblemMessage,
    ProblemReport,
    ProblemStatus,
    Questionnaire,
    QuestionnaireEdit,
    QuestionnaireSubmission,
    RegistrationDecision,
    ReleaseNotice,
    ReviewComment,
    Role,
    SetupTask,
    StateChange,
    TestOutcome,
    TestResult,
    User,
    UserStatus,
)
from municipalities.keys import derive_ars

S = OrderedProductState
GERMANY_CSV = Path("/work/shared/data/gemeinden-deutschland.csv")
SAXONY_CSV = Path(__file__).resolve().parents[2] / "municipalities" / "data" / "gemeinden-sachsen.csv"
MAIL_DOMAIN = "skala.example"  # every person of the scale data set; never a real address
HEAVY_AGS = "14612000"  # Dresden: the municipality the page benchmark logs in for, with many ordered products
HEAVY_PRODUCTS = 400

# Share of ordered products per state (sums to 1): most are live, every state is present.
STATE_SHARES: dict[OrderedProductState, float] = {
    S.ORDERED: 0.08, S.QUESTIONNAIRE: 0.12, S.SUBMITTED: 0.06, S.QUERY: 0.03, S.SETUP: 0.06, S.TESTING: 0.05,
    S.ACCEPTED: 0.03, S.LIVE: 0.45, S.CHANGE_REQUESTED: 0.03, S.CANCELLED: 0.05, S.TERMINATED: 0.04,
}
MAIN_PATH = (S.ORDERED, S.QUESTIONNAIRE, S.SUBMITTED, S.SETUP, S.TESTING, S.ACCEPTED, S.LIVE)
SETUP_TASKS = ("konfiguration", "mandant", "transferverzeichnis", "benachrichtigung")
LAUNCH_TASKS = ("website", "presse", "servicekonto_text", "fachamt", "mandant")


@dataclass(frozen=True)
class Sizes:
    """How big the data set is."""

    municipalities: int = 11_000  # every municipality of the German list; the rest are rejected re-registrations
    pending: int = 300  # registrations waiting for KISA's Freischaltung
    products: int = 10_000
    ordered: int = 100_000
    audit: int = 1_000_000
    outbox: int = 200_000
    staff: int = 20

    @classmethod
    def small(cls) -> Sizes:
        return cls(municipalities=600, pending=30, products=1_000, ordered=5_000, audit=50_000, outbox=10_000,
                   staff=5)


def defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Return the defaults of a table's columns (factories evaluated once)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            out[name] = info.default_factory()  # type: ignore[call-arg]
        elif info.default is not PydanticUndefined:
            out[name] = info.default
    return out


def path_to(state: OrderedProductState, rng: random.Random) -> list[OrderedProductState]:
    """Return a plausible way through the lifecycle from ORDERED to ``state`` (every step allowed)."""
    if state == S.QUERY:
        return [*MAIN_PATH[:3], S.QUERY]
    if state == S.CHANGE_REQUESTED:
        return [*MAIN_PATH, S.CHANGE_REQUESTED]
    if state == S.CANCELLED:
        return [*MAIN_PATH[: rng.randint(1, 3)], S.CANCELLED]
    if state == S.TERMINATED:
        return [*MAIN_PATH, S.TERMINATED]
    path = list(MAIN_PATH[: MAIN_PATH.index(state) + 1])
    if S.SETUP in path and rng.random() < 0.2:  # one in five configurations needed a query first
        at = path.index(S.SUBMITTED) + 1
        path[at:at] = [S.QUERY, S.SUBMITTED]
    return path


@dataclass
class World:
    """The generated rows per table, produced lazily where they are large."""

    sizes: Sizes
    templates: Templates
    now: datetime
    seed: int = 2026
    rng: random.Random = field(init=False)
    gemeinden: list[dict[str, str]] = field(default_factory=list)
    municipalities: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    staff_ids: list[int] = field(default_factory=list)
    staff_names: dict[int, str] = field(default_factory=dict)
    coordinator: dict[int, dict[str, Any]] = field(default_factory=dict)  # municipality id -> its coordinator
    product_names: dict[str, str] = field(default_factory=dict)
    product_prices: dict[str, tuple[int, int]] = field(default_factory=dict)
    available: list[str] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # --- reference list, tenants, people -------------------------------------------------------------------
    def build_people(self, password_hash: str) -> None:
        """Gemeinde list, municipalities (active, pending, rejected), KISA staff and municipal users."""
        saxon_kreis = {r["ags"]: (r["kreis_schluessel"], r["kreis"]) for r in csv.DictReader(SAXONY_CSV.open())}
        with GERMANY_CSV.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rng = self.rng
        for r in rows:
            key, kreis = saxon_kreis.get(r["ags"], (r["ags"][:5], f"Kreis {r['ags'][:5]} ({r['land']})"))
            self.gemeinden.append({"ags": r["ags"], "name": r["name"], "kreis_schluessel": key, "kreis": kreis,
                                   "land_code": r["land_code"]})
        live = self.gemeinden[: self.sizes.municipalities]
        if HEAVY_AGS not in {g["ags"] for g in live}:
            live[-1] = next(g for g in self.gemeinden if g["ags"] == HEAVY_AGS)
        pending_rows = set(rng.sample(range(len(live)), self.sizes.pending)) - {
            i for i, g in enumerate(live) if g["ags"] == HEAVY_AGS}
        base = defaults(Municipality)
        user_base = defaults(User)
        decision_base = defaults(RegistrationDecision)
        users = self.users
        staff_base = {**user_base, "password_hash": password_hash, "status": UserStatus.ACTIVE, "phone": "+4935112345"}
        users.append({**staff_base, "id": 1, "email": f"admin@{MAIL_DOMAIN}", "full_name": "Ada Administration",
                      "role": Role.ADMIN})
        for n in range(2, self.sizes.staff + 2):
            users.append({**staff_base, "id": n, "email": f"kisa.{n - 1:02d}@{MAIL_DOMAIN}",
                          "full_name": f"KISA Mitarbeiter:in {n - 1:02d}", "role": Role.KISA})
        self.staff_ids = [u["id"] for u in users]
        self.staff_names = {u["id"]: u["full_name"] for u in users}
        decisions = []
        extra = max(0, self.sizes.municipalities - len(live))
        rejected = [rng.choice(live) for _ in range(extra)]
        for index, g in enumerate([*live, *rejected], start=1):
            is_rejected = index > len(live)
            status = (MunicipalityStatus.REJECTED if is_rejected else
                      MunicipalityStatus.PENDING if index - 1 in pending_rows else MunicipalityStatus.ACTIVE)
            created = self.now - timedelta(days=rng.uniform(30, 900))
            self.municipalities.append({
                **base, "id": index, "ags": g["ags"], "name": g["name"], "kreis": g["kreis"],
                "ars": derive_ars(g["ags"]), "status": status, "is_demo": True, "created_at": created,
                "street": f"Markt {index % 40 + 1}", "postal_code": f"{1000 + index % 98000:05d}",
                "city": g["name"].split(",")[0][:120],
            })
            user_status = {MunicipalityStatus.ACTIVE: UserStatus.ACTIVE, MunicipalityStatus.PENDING: UserStatus.PENDING,
                           MunicipalityStatus.REJECTED: UserStatus.REJECTED}[status]
            prefix = "abgelehnt" if is_rejected else "koordination"
            user = {**user_base, "id": len(users) + 1, "email": f"{prefix}.{g['ags']}.{index}@{MAIL_DOMAIN}",
                    "full_name": f"Koordination {g['name'][:150]}", "role": Role.KOMMUNE,
                    "position": "OZG-Koordinator:in", "municipality_id": index, "can_manage_team": True,
                    "status": user_status, "password_hash": password_hash, "is_demo": True,
                    "phone": "+4935112345", "created_at": created, "authorised_confirmed_at": created}
            users.append(user)
            if status == MunicipalityStatus.ACTIVE:
                self.coordinator[index] = user
                if rng.random() < 0.3 or g["ags"] == HEAVY_AGS:
                    users.append({**user, "id": len(users) + 1, "email": f"kollege.{g['ags']}.{index}@{MAIL_DOMAIN}",
                                  "full_name": f"Kolleg:in {g['name'][:150]}", "can_manage_team": False,
                                  "position": "Sachbearbeitung", "invited_by_id": user["id"]})
            if status != MunicipalityStatus.PENDING:
                decisions.append({**decision_base, "id": len(decisions) + 1, "user_id": user["id"],
                                  "decided_by_id": rng.choice(self.staff_ids), "approved": not is_rejected,
                                  "reason": "Keine Berechtigung nachgewiesen (Skalierungsdaten)." if is_rejected else "",
                                  "decided_at": created + timedelta(days=1)})
        self.tables["registrationdecision"] = decisions

    # --- catalogue ---------------------------------------------------------------------------------------
    def build_catalogue(self) -> list[dict[str, Any]]:
        """10,000 products grown from the shipped catalogue as bench/bench_catalog.py does."""
        from bench.bench_catalog import scaled_catalog
        from catalog.store import to_row

        rows = []
        for product in scaled_catalog(self.sizes.products, seed=self.seed):
            row = to_row(product, updated_by="Skalierungsdaten").model_dump()
            rows.append(row)
            self.product_names[product.id] = product.name
            self.product_prices[product.id] = (product.prices.setup_cents, product.prices.yearly_licence_cents)
            if product.status.value == "verfügbar":
                self.available.append(product.id)
        return rows

    # --- orders and the lifecycle ---------------------------------------------------------------------
    def build_orders(self, contract_id: int, contract_version: str) -> None:
        """Carts, orders, lines and ordered products with their history and everything the pages read."""
        rng = self.rng
        heavy_id = next(m["id"] for m in self.municipalities if m["ags"] == HEAVY_AGS)
        towns = [mid for mid in self.coordinator if mid != heavy_id]
        per_town: dict[int, int] = {heavy_id: min(HEAVY_PRODUCTS, self.sizes.ordered // 4)}
        for _ in range(self.sizes.ordered - per_town[heavy_id]):
            town = rng.choice(towns)
            per_town[town] = per_town.get(town, 0) + 1
        states = list(STATE_SHARES)
        weights = list(STATE_SHARES.values())
        t = self.tables
        for name in ("cart", "cartitem", "order", "orderline", "orderedproduct", "statechange", "questionnaire",
                     "questionnaireedit", "questionnairesubmission", "reviewcomment", "setuptask", "testresult",
                     "acceptance", "launchtask", "problemreport", "problemmessage", "releasenotice", "masterdata"):
            t[name] = []
        bases = {name: defaults(model) for name, model in (
            ("cart", Cart), ("order", Order), ("orderline", OrderLine), ("orderedproduct", OrderedProduct),
            ("statechange", StateChange), ("questionnaire", Questionnaire), ("edit", QuestionnaireEdit),
            ("submission", QuestionnaireSubmission), ("review", ReviewComment), ("setup", SetupTask),
            ("test", TestResult), ("acceptance", Acceptance), ("launch", LaunchTask), ("problem", ProblemReport),
            ("message", ProblemMessage), ("release", ReleaseNotice), ("master", MasterData), ("cartitem", CartItem))}
        edits = self.templates.edit_changes or [("kontakte", "[]")]
        reviews = self.templates.review_texts or [("", "Bitte ergänzen.")]
        items = self.templates.test_items or ["testantrag"]
        op_id = 0
        order_no = 0
        for town, n in per_town.items():
            user = self.coordinator[town]
            uid, uname = user["id"], user["full_name"]
            products = rng.sample(self.available, min(n, len(self.available)))
            revision = 1
            t["masterdata"].append({**bases["master"], "id": len(t["masterdata"]) + 1, "municipality_id": town,
                                    "answers": self.templates.master_answers, "version": 1, "updated_by_id": uid,
                                    "updated_at": self.now - timedelta(days=rng.uniform(30, 600))})
            while products:
                size = rng.randint(1, 12)
                batch, products = products[:size], products[size:]
                order_no += 1
                lines = []
                for product_id in batch:
                    op_id += 1
                    state = rng.choices(states, weights)[0]
                    path = path_to(state, rng)
                    since = self.now - timedelta(days=rng.uniform(0, 600 if state in (S.LIVE, S.TERMINATED,
                                                                                       S.CANCELLED) else 45))
                    times = [since]
                    for _ in path[1:]:
                        times.insert(0, times[0] - timedelta(days=rng.uniform(3, 20)))
                    lines.append((op_id, product_id, state, path, times))
                placed = min(times[0] for *_rest, times in lines) - timedelta(hours=1)
                setup_total = yearly_total = 0
                for op, product_id, state, path, times in lines:
                    setup, yearly = self.product_prices[product_id]
                    setup_total += setup
                    yearly_total += yearly
                    assigned = rng.choice(self.staff_ids) if state in (S.SUBMITTED, S.SETUP) and rng.random() < 0.7 \
                        else None
                    t["orderedproduct"].append({**bases["orderedproduct"], "id": op, "municipality_id": town,
                                                "product_id": product_id, "state": state, "created_at": placed,
                                                "updated_at": times[-1], "state_since": times[-1],
                                                "assigned_to_id": assigned})
                    t["orderline"].append({**bases["orderline"], "id": op, "order_id": order_no,
                                           "product_id": product_id, "product_name": self.product_names[product_id],
                                           "setup_cents": setup, "yearly_licence_cents": yearly,
                                           "funding_name": "", "ordered_product_id": op})
                    self._history(op, town, uid, uname, path, times, bases, edits, reviews, items)
                t["order"].append({**bases["order"], "id": order_no, "number": f"S-{placed.year}-{order_no:06d}",
                                   "municipality_id": town, "placed_by_id": uid, "placed_at": placed, "cart_id": uid,
                                   "cart_revision": revision, "contract_id": contract_id,
                                   "contract_version": contract_version, "signer_name": uname,
                                   "signer_position": "Bürgermeister:in", "signer_email": user["email"],
                                   "total_setup_cents": setup_total, "total_yearly_cents": yearly_total,
                                   "due_setup_cents": setup_total, "due_yearly_cents": yearly_total})
                revision += 1
            t["cart"].append({**bases["cart"], "id": uid, "user_id": uid, "revision": revision})
            if town == heavy_id:  # something in the cart for the cart page
                for product_id in rng.sample(self.available, 5):
                    t["cartitem"].append({**bases["cartitem"], "id": len(t["cartitem"]) + 1, "cart_id": uid,
                                          "product_id": product_id})

    def _history(self, op: int, town: int, uid: int, uname: str, path: list[OrderedProductState],
                 times: list[datetime], bases: dict[str, dict[str, Any]], edits: list[tuple[str, str]],
                 reviews: list[tuple[str, str]], items: list[str]) -> None:
        """State changes and the records each reached state leaves behind, for one ordered product."""
        rng = self.rng
        t = self.tables
        kisa = rng.choice(self.staff_ids)
        for source, target, at in zip(path, path[1:], times[1:], strict=False):
            step = allowed(source, target)
            assert step is not None, (source, target)
            staff = step.roles == STAFF
            t["statechange"].append({**bases["statechange"], "id": len(t["statechange"]) + 1,
                                     "ordered_product_id": op, "from_state": source, "to_state": target, "at": at,
                                     "actor_id": kisa if staff else uid,
                                     "actor_name": self.staff_names[kisa] if staff else uname})
        reached = set(path)
        if S.QUESTIONNAIRE not in reached:
            return
        submitted_at = [at for s, at in zip(path, times, strict=True) if s == S.SUBMITTED]
        qid = len(t["questionnaire"]) + 1
        n_edits = rng.randint(1, 3)
        product_id = t["orderedproduct"][-1]["product_id"]
        t["questionnaire"].append({
            **bases["questionnaire"], "id": qid, "ordered_product_id": op, "municipality_id": town,
            "product_id": product_id,
            "answers": self.templates.full_answers if submitted_at else self.templates.draft_answers,
            "version": n_edits + 1, "created_at": times[1], "updated_at": times[-1], "updated_by_id": uid,
            "submitted_at": submitted_at[-1] if submitted_at else None, "submission_count": len(submitted_at)})
        for v in range(n_edits):
            step, changes = rng.choice(edits)
            t["questionnaireedit"].append({**bases["edit"], "id": len(t["questionnaireedit"]) + 1,
                                           "questionnaire_id": qid, "version": v + 2, "step": step,
                                           "changes": changes, "user_id": uid, "user_name": uname,
                                           "at": times[1] + timedelta(hours=v + 1)})
        for number, at in enumerate(submitted_at, start=1):
            t["questionnairesubmission"].append({
                **bases["submission"], "id": len(t["questionnairesubmission"]) + 1, "questionnaire_id": qid,
                "number": number, "version": n_edits + 1, "answers": self.templates.full_answers,
                "product_release": self.templates.product_release, "submitted_at": at, "submitted_by_id": uid,
                "submitted_by_name": uname})
        if S.QUERY in reached:
            key, text = rng.choice(reviews)
            t["reviewcomment"].append({**bases["review"], "id": len(t["reviewcomment"]) + 1,
                                       "questionnaire_id": qid, "submission_number": 1, "question_key": key,
                                       "text": text, "author_id": kisa, "author_name": self.staff_names[kisa],
                                       "created_at": submitted_at[0], "sent_at": submitted_at[0]})
        if S.SETUP in reached:
            current = path[-1] == S.SETUP
            for task in SETUP_TASKS:
                done = not current or rng.random() < 0.5
                t["setuptask"].append({**bases["setup"], "id": len(t["setuptask"]) + 1, "ordered_product_id": op,
                                       "task": task, "done_at": times[-1] if done else None,
                                       "done_by_id": kisa if done else None,
                                       "done_by_name": self.staff_names[kisa] if done else ""})
        if S.TESTING in reached:
            testing_now = path[-1] == S.TESTING
            for item in items:
                if testing_now and rng.random() < 0.5:
                    continue
                outcome = TestOutcome.FAILED if testing_now and rng.random() < 0.1 else TestOutcome.PASSED
                t["testresult"].append({**bases["test"], "id": len(t["testresult"]) + 1, "ordered_product_id": op,
                                        "round": 1, "item": item, "outcome": outcome, "tester_name": uname,
                                        "recorded_at": times[path.index(S.TESTING)] + timedelta(days=1),
                                        "recorded_by_id": uid, "recorded_by_name": uname})
            if rng.random() < 0.04:  # a problem found in the test, solved unless the test still runs
                report = len(t["problemreport"]) + 1
                at = times[path.index(S.TESTING)] + timedelta(days=2)
                status = ProblemStatus.OPEN if testing_now else ProblemStatus.SOLVED
                t["problemreport"].append({**bases["problem"], "id": report, "ordered_product_id": op,
                                           "municipality_id": town, "title": "Testantrag kommt nicht an",
                                           "status": status, "test_item": items[0], "created_at": at,
                                           "created_by_id": uid, "created_by_name": uname, "updated_at": at,
                                           "solved_at": None if testing_now else at + timedelta(days=1),
                                           "solved_by_name": "" if testing_now else self.staff_names[kisa]})
                for n, (author, name, from_kisa) in enumerate(((uid, uname, False), (kisa, self.staff_names[kisa],
                                                                                      True))):
                    t["problemmessage"].append({**bases["message"], "id": len(t["problemmessage"]) + 1,
                                                "report_id": report, "author_id": author, "author_name": name,
                                                "from_kisa": from_kisa, "created_at": at + timedelta(hours=n),
                                                "text": "Der Testantrag erscheint nicht im Transferverzeichnis."
                                                if not from_kisa else "Die Freigabe ist korrigiert, bitte erneut testen."})
        if S.ACCEPTED in reached:
            at = times[path.index(S.ACCEPTED)]
            t["acceptance"].append({**bases["acceptance"], "id": len(t["acceptance"]) + 1, "ordered_product_id": op,
                                    "round": 1, "accepted_at": at, "accepted_by_id": uid, "accepted_by_name": uname,
                                    "snapshot": self.templates.acceptance_snapshot})
            for task in LAUNCH_TASKS:
                done = S.LIVE in reached and rng.random() < 0.8
                t["launchtask"].append({**bases["launch"], "id": len(t["launchtask"]) + 1, "ordered_product_id": op,
                                        "task": task, "done_at": at if done else None,
                                        "done_by_id": uid if done else None, "done_by_name": uname if done else ""})
        if path[-1] == S.LIVE and rng.random() < 0.1:  # a new release reached this live product
            review = rng.random() < 0.5
            t["releasenotice"].append({**bases["release"], "id": len(t["releasenotice"]) + 1,
                                       "ordered_product_id": op, "municipality_id": town, "product_id": product_id,
                                       "version": "2.0", "review_required": review,
                                       "notified_at": self.now - timedelta(days=rng.uniform(0, 60))})

    # --- audit log and outbox ---------------------------------------------------------------------------
    def audit_events(self) -> Iterator[dict[str, Any]]:
        """The audit log: lifecycle, login and team events of everyone, newest a few minutes ago."""
        rng = random.Random(self.seed + 1)
        base = defaults(AuditEvent)
        kinds = [*self.templates.audit,
                 *[{"action": "login.success", "entity_type": "user", "details": "Anmeldung erfolgreich."}] * 20,
                 *[{"action": "logout", "entity_type": "user", "details": "Abgemeldet."}] * 8,
                 {"action": "login.failed", "entity_type": "user", "details": "Falsches Passwort."},
                 {"action": "team.invited", "entity_type": "user", "details": "Kolleg:in eingeladen."},
                 {"action": "order.placed", "entity_type": "order", "details": "Bestellung aufgegeben."}]
        users = [u for u in self.users if u["status"] == UserStatus.ACTIVE]
        span = 730 * 86400
        for n in range(1, self.sizes.audit + 1):
            kind = rng.choice(kinds)
            user = rng.choice(users)
            yield {**base, "id": n, "at": self.now - timedelta(seconds=span * (1 - n / self.sizes.audit) + 60),
                   "actor_id": user["id"], "actor_label": user["email"], "action": kind["action"],
                   "entity_type": kind["entity_type"], "entity_id": str(rng.randint(1, self.sizes.ordered)),
                   "municipality_id": user["municipality_id"], "details": kind["details"]}

    def outbox_mails(self) -> Iterator[dict[str, Any]]:
        """Mails of two years: nearly all sent, some waiting, some failed, a few with unclear delivery."""
        rng = random.Random(self.seed + 2)
        base = defaults(OutboxMail)
        templates = self.templates.mails
        users = [u for u in self.users if u["status"] == UserStatus.ACTIVE]
        span = 730 * 86400
        total = self.sizes.outbox
        for n in range(1, total + 1):
            mail = rng.choice(templates)
            user = rng.choice(users)
            created = self.now - timedelta(seconds=span * (1 - n / total) + 120)
            roll = rng.random()
            status = (MailStatus.SENDING if n % 20_000 == 0 else MailStatus.FAILED if roll < 0.01
                      else MailStatus.PENDING if n > total - total // 100 else MailStatus.SENT)
            yield {**base, "id": n, "created_at": created, "event": mail["event"], "to_address": user["email"],
                   "subject": mail["subject"], "text_body": mail["text_body"], "html_body": mail["html_body"],
                   "municipality_id": user["municipality_id"], "message_id": f"<skala-{n}@{MAIL_DOMAIN}>",
                   "status": status, "attempts": 0 if status == MailStatus.PENDING else 1,
                   "next_attempt_at": created, "claimed_at": created if status != MailStatus.PENDING else None,
                   "sent_at": created if status == MailStatus.SENT else None,
                   "last_error": "550 Postfach nicht erreichbar (Skalierungsdaten)" if status == MailStatus.FAILED
                   else ""}


def gemeinde_rows(world: World) -> list[dict[str, Any]]:
    """The reference list as rows of the Gemeinde table."""
    return [dict(g) for g in world.gemeinden]
