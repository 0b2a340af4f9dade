"""Run one scenario in N concurrent sessions: threads of this process, or separate OS processes.

A scenario is a function ``(engine, payload, start)`` at module level; each participant gets its own payload and
calls ``start()`` where all participants must be at the same moment (a barrier across threads or processes).
It returns a list with one outcome per attempt, each ``("ok", value)`` or ``(error class name, German message)``
for a refused action. Anything else is reported as ``("crash", traceback)``.

The processes are started with the "spawn" context (a fresh interpreter, no state inherited from pytest), open
their own engine on the database URL they are given and stay up for several scenarios; :class:`ProcessCrew`
ends them, also after a failure.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from acceptance.launch import confirm_live
from acceptance.record import accept
from acceptance.results import record_result
from backoffice.review import ask_back, take_over
from backoffice.setup import go_live, tick
from catalog.store import retire_product, save_product
from core.db import make_engine, session_scope
from core.errors import DomainError
from orders.cart import view_cart
from orders.checkout import place_order
from questionnaire.drafts import read_questionnaire, save_step

Outcome = tuple[str, Any]
Start = Callable[[], None]
BARRIER_SECONDS = 60.0
START_SECONDS = 240.0  # eight fresh interpreters importing the app on two busy cores
READY = "ready"  # a participant that never arrives breaks the barrier instead of hanging the suite

COUNTED_KEY = "kontakte.abteilung"  # a free-text answer the questionnaire scenario counts up in
COUNTED_STEP = "kontakte"
_STAND = re.compile(r"^Stand (\d+) ")


def attempt(engine: Engine, call: Callable[[Session], Any]) -> Outcome:
    """Run ``call`` in one transaction; return its value, or the refusal with its German message."""
    try:
        with session_scope(engine) as s:
            return ("ok", call(s))
    except DomainError as exc:
        return (type(exc).__name__, str(exc))


def counted(value: str) -> int:
    """Return the count in an answer written by :func:`questionnaire_rounds`, e.g. 3 for "Stand 3 von …"."""
    found = _STAND.match(value)
    assert found, value
    return int(found.group(1))


# ---- scenarios --------------------------------------------------------------------------------------------------


def place_same_cart(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Place the order of one cart at one revision (a double click, many tabs); value: (order id, created)."""
    start()
    return [attempt(engine, lambda s: _placed(s, p, p["revision"]))]


def place_own_cart(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Read the own cart, then order it together with colleagues who have the same product in theirs."""
    with session_scope(engine) as s:
        revision = view_cart(s, actor=p["actor"]).revision
    start()
    return [attempt(engine, lambda s: _placed(s, p, revision))]


def _placed(session: Session, p: dict[str, Any], revision: int) -> tuple[int, bool]:
    order, created = place_order(session, actor=p["actor"], cart_revision=revision, contract_id=p["contract_id"],
                                 authorised=True)
    assert order.id is not None
    return order.id, created


def review_decision(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Take the submitted configuration over, or ask back, as the page showed it; value: the decision."""

    def decide(s: Session) -> str:
        if p["decision"] == "take_over":
            take_over(s, actor=p["actor"], questionnaire_id=p["questionnaire_id"],
                      submission_number=p["submission_number"])
        else:
            ask_back(s, actor=p["actor"], questionnaire_id=p["questionnaire_id"], message=p["message"],
                     submission_number=p["submission_number"])
        return str(p["decision"])

    start()
    return [attempt(engine, decide)]


def set_up_and_go_live(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Tick the same task together, then one task each (two people per task), then all press Go-Live."""
    nr = p["ordered_product_id"]
    start()
    same = attempt(engine, lambda s: tick(s, actor=p["actor"], ordered_product_id=nr, task=p["same_task"], done=True))
    start()
    own = attempt(engine, lambda s: tick(s, actor=p["actor"], ordered_product_id=nr, task=p["own_task"], done=True))
    start()
    live = attempt(engine, lambda s: go_live(s, actor=p["actor"], ordered_product_id=nr))
    return [same, own, live]


def record_results(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Record a result for the same item in rounds, each from the version the previous round left.

    ``p["rounds"]`` lists (outcome, note, base version) per round; value: the stored version.
    """
    found = []
    for outcome, note, base_version in p["rounds"]:
        start()
        found.append(attempt(engine, lambda s, o=outcome, n=note, b=base_version: record_result(
            s, actor=p["actor"], ordered_product_id=p["ordered_product_id"], item=p["item"], outcome=o,
            tester=p["tester"], note=n, base_version=b).version))
    return found


def accept_and_go_live(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Give the acceptance, then confirm the go-live, everybody at the same moment."""
    nr = p["ordered_product_id"]
    start()
    accepted = attempt(engine, lambda s: accept(s, actor=p["actor"], ordered_product_id=nr, remarks=p["remarks"]).round)
    start()
    live = attempt(engine, lambda s: confirm_live(s, actor=p["actor"], ordered_product_id=nr, maintenance_off=True))
    return [accepted, live]


def questionnaire_rounds(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Count an answer up by one per round: all read the same version, then all save from it; value: new version."""
    found = []
    for _round in range(p["rounds"]):
        start()  # the previous round's saves are all done
        with session_scope(engine) as s:
            view = read_questionnaire(s, actor=p["actor"], questionnaire_id=p["questionnaire_id"])
        value = f"Stand {counted(view.answers[COUNTED_KEY]) + 1} von {p['actor'].full_name}"
        start()  # everybody has read
        found.append(attempt(engine, lambda s, v=value, base=view.version: save_step(
            s, actor=p["actor"], questionnaire_id=p["questionnaire_id"], step_key=COUNTED_STEP, raw={COUNTED_KEY: v},
            base_version=base).version))
    return found


def edit_product(engine: Engine, p: dict[str, Any], start: Start) -> list[Outcome]:
    """Save an edited catalogue entry, or retire it (``data`` None), from the version the form showed."""

    def edit(s: Session) -> str:
        if p["data"] is None:
            retire_product(s, actor=p["actor"], product_id=p["product_id"], expected_version=p["version"])
            return "retired"
        save_product(s, actor=p["actor"], data=p["data"], expected_version=p["version"])
        return "saved"

    start()
    return [attempt(engine, edit)]


SCENARIOS: dict[str, Callable[[Engine, dict[str, Any], Start], list[Outcome]]] = {
    f.__name__: f for f in (place_same_cart, place_own_cart, review_decision, set_up_and_go_live, record_results,
                            accept_and_go_live, questionnaire_rounds, edit_product)
}


def _waiting_at(barrier: Any) -> Start:
    def start() -> None:
        barrier.wait(BARRIER_SECONDS)
    return start


def _run_one(engine: Engine, scenario: str, payload: dict[str, Any], start: Start) -> list[Outcome]:
    try:
        return SCENARIOS[scenario](engine, payload, start)
    except BaseException:
        return [("crash", traceback.format_exc())]


# ---- threads ----------------------------------------------------------------------------------------------------


def run_in_threads(engine: Engine, scenario: str, payloads: list[dict[str, Any]]) -> list[list[Outcome]]:
    """Run the scenario in one thread per payload, all on ``engine``; return each participant's outcomes."""
    barrier = threading.Barrier(len(payloads))

    def one(payload: dict[str, Any]) -> list[Outcome]:
        return _run_one(engine, scenario, payload, _waiting_at(barrier))

    with ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(one, payloads))


# ---- processes --------------------------------------------------------------------------------------------------


def _serve(index: int, barrier: Any, inbox: Any, outbox: Any) -> None:
    """A worker process: run the scenarios it is sent, each on its own engine for the URL given, until None."""
    engines: dict[str, Engine] = {}
    outbox.put((index, READY))  # imported (the slow part of starting): ready for scenarios
    try:
        while True:
            task = inbox.get()
            if task is None:
                return
            url, scenario, payload = task
            engine = engines.get(url)
            if engine is None:
                engine = engines[url] = make_engine(url)
            outbox.put((index, _run_one(engine, scenario, payload, _waiting_at(barrier))))
    finally:
        for engine in engines.values():
            engine.dispose()
        outbox.close()
        outbox.join_thread()  # every outcome has reached the parent
        os._exit(0)  # the interpreter's own clean-up of all imported modules takes seconds on a busy machine


class ProcessCrew:
    """``size`` worker processes (spawned, not forked) that run one scenario together, each in its own process."""

    def __init__(self, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.size = size
        self.barrier = context.Barrier(size)
        self.outbox = context.Queue()
        self.inboxes = [context.Queue() for _ in range(size)]
        self.processes = [
            context.Process(target=_serve, args=(i, self.barrier, self.inboxes[i], self.outbox), daemon=True,
                            name=f"oaa-concurrency-{i}")
            for i in range(size)
        ]
        self.broken = False
        for process in self.processes:
            process.start()
        try:
            ready = self._collect(START_SECONDS)
        except BaseException:
            self.close()
            raise
        assert set(ready.values()) == {READY}, ready

    def _collect(self, timeout: float) -> dict[int, Any]:
        """Wait for one message from every process; fail when one ends or the time is over."""
        found: dict[int, Any] = {}
        deadline = time.monotonic() + timeout
        while len(found) < self.size:
            dead = [p.name for p in self.processes if not p.is_alive()]
            if dead:
                raise AssertionError(f"worker processes ended unexpectedly: {dead}")
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(found)} of {self.size} processes answered in {timeout:.0f} s")
            try:
                index, message = self.outbox.get(timeout=1.0)
            except queue.Empty:
                continue
            found[index] = message
        return found

    def run(self, url: str, scenario: str, payloads: list[dict[str, Any]], *, timeout: float = 120.0
            ) -> list[list[Outcome]]:
        """Send one payload to each process and return each participant's outcomes, in payload order."""
        assert len(payloads) == self.size, "every process takes part (the barrier counts them all)"
        for inbox, payload in zip(self.inboxes, payloads, strict=True):
            inbox.put((url, scenario, payload))
        try:
            found = self._collect(timeout)
        except BaseException:
            self.broken = True  # a process may still be inside the scenario: the next test gets a new crew
            raise
        if self.barrier.broken:
            self.barrier.reset()
        return [found[i] for i in range(self.size)]

    def close(self) -> None:
        """Ask every process to stop; end the ones that do not, and wait for all of them."""
        for inbox in self.inboxes:
            with contextlib.suppress(OSError, ValueError):  # queue already closed
                inbox.put(None)
        for process in self.processes:
            process.join(timeout=10)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        for q in (*self.inboxes, self.outbox):
            q.close()
            q.cancel_join_thread()
