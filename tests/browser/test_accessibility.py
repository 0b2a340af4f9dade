"""Accessibility (BITV 2.0 / WCAG 2.1 AA): every page, as each kind of person sees it, checked with axe-core.

Per page: open it in the persona's browser context (one login per persona), wait until Streamlit has settled, inject
``node_modules/axe-core/axe.min.js`` (npm package from ``package.json``; ``make browser`` installs it) and run it with
the WCAG 2.0/2.1 A and AA rules. Violations of impact "serious" or "critical" fail the page, and so does a broken
heading order (axe counts that as best practice; screen reader users move through a page by its headings).

Beyond axe: the page is declared German, every chart is announced by a description and its texts are readable, and
error messages are alerts in words.

Only markup of Streamlit's own that a page cannot change is let through, by rule and selector (STREAMLIT_INTERNALS,
each with its reason). Everything our pages draw must pass.

The pages run on the demo story; the hidden pages get a typical query (a questionnaire being filled, a product in its
test, a case in set-up, a problem thread: the demo has none, so this module reports one as sample data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, col, select

from accounts.actor import Actor
from core.db import make_engine
from demo.personas import DEMO_PASSWORD, persona
from models import Municipality, OrderedProduct, OrderedProductState, User
from models.catalog import CatalogProduct
from support.threads import reply, report_problem
from tests.browser.conftest import ARTIFACTS, ROOT
from tests.browser.test_journeys import log_in

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
EXTRA_RULES = ["heading-order"]  # best practice in axe (impact "moderate"), checked here anyway
MUSTERSTADT = "14999001"  # the coordinator's municipality in the demo story
TOPIC = "Eingangsbestätigung fehlt (Beispieldaten)"

# (axe rule, CSS selector of the element or an ancestor, why it cannot be fixed in our pages)
STREAMLIT_INTERNALS: tuple[tuple[str, str, str], ...] = (
    ("list", '[data-testid="stSidebarNavItems"]',
     "Streamlit's sidebar navigation with sections (st.navigation with a dict) puts each section as a <div> with its "
     "<header> directly into the <ul>; the markup is Streamlit's, no option changes it."),
    ("listitem", '[data-testid="stSidebarNavItems"]',
     "The same sidebar navigation: its <li> items sit in those <div> section wrappers, not directly in the <ul>."),
)

_RUN_AXE = """async ({tags, extra, internals}) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    rules: Object.fromEntries(extra.map(rule => [rule, {enabled: true}])),
    resultTypes: ['violations'],
  });
  const streamlits = (rule, node) => internals.some(([r, selector]) =>
    r === rule && document.querySelector(node.target[0])?.closest(selector));
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.filter(n => !streamlits(v.id, n)).map(n => ({
      target: n.target.join(' '), html: n.html.slice(0, 240), summary: n.failureSummary})),
  })).filter(v => v.nodes.length > 0);
}"""


@dataclass(frozen=True)
class Sample:
    """What the hidden pages are opened with (ids from the demo story)."""

    product_id: str
    product_name: str
    questionnaire_nr: int  # Musterstadt, questionnaire being filled
    questionnaire_name: str
    testing_nr: int  # Musterstadt, in its test
    testing_name: str
    setup_nr: int  # a case KISA is setting up
    setup_name: str
    problem_id: int


def _first(session: Session, state: OrderedProductState, municipality_id: int | None = None) -> tuple[int, str]:
    query = select(OrderedProduct.id, CatalogProduct.name).join(
        CatalogProduct, col(CatalogProduct.id) == OrderedProduct.product_id).where(OrderedProduct.state == state)
    if municipality_id is not None:
        query = query.where(OrderedProduct.municipality_id == municipality_id)
    found = session.exec(query.order_by(col(OrderedProduct.id))).first()
    assert found is not None, f"Die Demodaten haben kein bestelltes Produkt im Stand {state}."
    nr, name = found
    assert nr is not None
    return nr, name


def _actor(session: Session, key: str) -> Actor:
    user = session.exec(select(User).where(User.email == persona(key).email)).one()
    return Actor.of(user)


@pytest.fixture(scope="module")
def sample(app_url: str, app_database_url: str) -> Iterator[Sample]:
    """Look up the demo ids; report one problem (sample data) so that a thread can be opened."""
    engine = make_engine(app_database_url)
    try:
        with Session(engine) as session:
            town = session.exec(select(Municipality).where(Municipality.ags == MUSTERSTADT)).one()
            questionnaire = _first(session, OrderedProductState.QUESTIONNAIRE, town.id)
            testing = _first(session, OrderedProductState.TESTING, town.id)
            setup = _first(session, OrderedProductState.SETUP)
            product_id = session.exec(select(OrderedProduct.product_id).where(
                OrderedProduct.id == questionnaire[0])).one()
            problem_id = report_problem(
                session, actor=_actor(session, "koordination"), ordered_product_id=testing[0], title=TOPIC,
                text="Nach dem Absenden eines Testantrags kam keine Eingangsbestätigung an. (Beispieldaten)")
            reply(session, actor=_actor(session, "kisa"), report_id=problem_id,
                  text="Danke, wir prüfen die Benachrichtigungsadresse. (Beispieldaten)")
            session.commit()
        yield Sample(product_id=product_id, product_name=questionnaire[1], questionnaire_nr=questionnaire[0],
                     questionnaire_name=questionnaire[1], testing_nr=testing[0], testing_name=testing[1],
                     setup_nr=setup[0], setup_name=setup[1], problem_id=problem_id)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def signed_in(browser: Browser, app_url: str) -> Iterator[Callable[[str], Page]]:
    """Return the page of a persona ("besucher": not logged in); one browser context per persona, logged in once."""
    pages: dict[str, Page] = {}

    def page_of(key: str) -> Page:
        if key not in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
            page = context.new_page()
            page.set_default_timeout(20_000)
            if key != "besucher":
                log_in(page, app_url, persona(key).email, DEMO_PASSWORD)
            pages[key] = page
        return pages[key]

    yield page_of
    for page in pages.values():
        page.context.close()


def _submit_empty_registration(page: Page) -> None:
    """Send the registration form empty: the page then shows its error messages."""
    page.get_by_role("button", name="Registrierung absenden").click()
    expect(page.get_by_text("Bitte prüfen Sie die markierten Angaben")).to_be_visible()


@dataclass(frozen=True)
class Visit:
    """One page as one persona sees it: address (with query), its h1, and what to do before the check."""

    persona: str
    path: str
    title: str | Callable[[Sample], str]
    action: Callable[[Page], None] | None = None

    @property
    def id(self) -> str:
        """Name the page in the test id, e.g. ``kisa:/vorgang?nr=N``; ``+Fehler`` after an action that shows errors."""
        path = re.sub(r"\{s\.\w+\}", "N", self.path)
        return f"{self.persona}:/{path}" + ("+Fehler" if self.action else "")


FIVE_STEPS = "In fünf Schritten zum Online-Antragsassistenten"
VISITS = (
    Visit("besucher", "", FIVE_STEPS),
    Visit("besucher", "anmelden", "Anmelden"),
    Visit("besucher", "registrieren", "Kommune registrieren"),
    Visit("besucher", "registrieren", "Kommune registrieren", action=_submit_empty_registration),
    Visit("besucher", "einladung", "Einladung annehmen"),
    Visit("koordination", "", FIVE_STEPS),
    Visit("koordination", "katalog", "OAA-Katalog"),
    Visit("koordination", "produkt?id={s.product_id}", lambda s: s.product_name),
    Visit("koordination", "warenkorb", "Warenkorb"),
    Visit("koordination", "bestellungen", "Meine Bestellungen"),
    Visit("koordination", "fortschritt", "Fortschritt"),
    Visit("koordination", "fortschritt?nr={s.testing_nr}", lambda s: s.testing_name),
    Visit("koordination", "frageboegen", "Konfigurationsfragebögen"),
    Visit("koordination", "fragebogen?nr={s.questionnaire_nr}", lambda s: s.questionnaire_name),
    Visit("koordination", "abnahme", "Test und Abnahme"),
    Visit("koordination", "abnahme?nr={s.testing_nr}", lambda s: s.testing_name),
    Visit("koordination", "meldungen", "Meldungen an KISA"),
    Visit("koordination", "meldungen?meldung={s.problem_id}", TOPIC),
    Visit("koordination", "versionen", "Versionen"),
    Visit("koordination", "stammdaten", "Stammdaten der Kommune"),
    Visit("koordination", "team", "Mein Team"),
    Visit("koordination", "arbeitsvorrat", "Seite nicht gefunden"),  # a KISA address typed by a municipal user
    Visit("kisa", "arbeitsvorrat", "Arbeitsvorrat"),
    Visit("kisa", "kennzahlen", "Kennzahlen"),
    Visit("kisa", "vorgang?nr={s.setup_nr}", lambda s: s.setup_name),
    Visit("kisa", "meldungen", "Meldungen"),
    Visit("kisa", "meldungen?meldung={s.problem_id}", TOPIC),
    Visit("kisa", "versionen", "Versionen"),
    Visit("kisa", "fortschritt", "Fortschritt"),
    Visit("kisa", "freischaltungen", "Freischaltungen"),
    Visit("kisa", "bestellungen", "Bestellungen"),
    Visit("kisa", "frageboegen", "Konfigurationsfragebögen"),
    Visit("kisa", "katalogpflege", "Katalogpflege"),
    Visit("kisa", "vertrag", "Vertrag und Förderung"),
    Visit("kisa", "postausgang", "Postausgang"),
    Visit("kisa", "protokoll", "Protokoll"),
    Visit("admin", "benutzerkonten", "Benutzerkonten"),
    # Workshop mode (the browser app runs in demo mode): the tour and the participants' info pages, for everybody.
    Visit("besucher", "tour", "Workshop-Tour"),
    Visit("besucher", "tour?station=unbekannt", "Workshop-Tour"),
    Visit("koordination", "tour?station=4", "Workshop-Tour"),
    Visit("kisa", "tour?station=6", "Workshop-Tour"),
    Visit("besucher", "rollen", "Rollen und Aufgaben"),
    Visit("besucher", "systeme", "Systeme und Datenfluss"),
    Visit("besucher", "leistungen", "Leistungen und Kontakte"),
    Visit("besucher", "fragen", "Häufige Fragen"),
    Visit("koordination", "rollen", "Rollen und Aufgaben"),
    Visit("kisa", "systeme", "Systeme und Datenfluss"),
)


_CHART_TEXTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')]
  .filter(t => t.textContent.trim())
  .map(t => {const s = getComputedStyle(t); return [t.textContent, s.fill, Number(s.opacity), parseFloat(s.fontSize)];})"""


def _luminance(rgb: tuple[float, float, float]) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _faint_chart_texts(page: Page) -> list[str]:
    """Return chart texts (axis labels, legends) below 4.5:1 on the chart's white; axe cannot judge SVG text."""
    faint = []
    for text, fill, opacity, size in page.evaluate(_CHART_TEXTS):
        if opacity == 0:  # a label Vega hides because it would overlap its neighbour
            continue
        channels = [float(c) for c in re.findall(r"[\d.]+", fill)[:3]]
        assert len(channels) == 3, fill
        seen = tuple(opacity * c + (1 - opacity) * 255 for c in channels)  # drawn on white
        ratio = 1.05 / (_luminance(seen) + 0.05)
        if ratio < (3 if size >= 24 else 4.5):
            faint.append(f"„{text}“ in {fill}: {ratio:.2f}:1")
    return faint


def _settled(page: Page) -> None:
    """Wait until Streamlit's run is over and everything is drawn (charts included)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.locator('[data-testid="stElementContainer"][data-stale="true"]')).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.locator('[data-testid="stVegaLiteChart"]:not(:has(svg))')).to_have_count(0)
    expect(page.locator('[data-testid="stGraphVizChart"]:not(:has(svg))')).to_have_count(0)


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×)")
        for node in v["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}\n      {node['html']}\n      {summary}")
    return "\n".join(lines)


def _axe_script() -> str:
    """Return the path of the axe-core script; without it the check fails (it is never skipped)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core fehlt ({AXE.relative_to(ROOT)}). Installieren Sie es mit `make browser` "
                    "(führt `npm ci` aus; Node.js und npm werden benötigt).", pytrace=False)
    return str(AXE)


@pytest.mark.parametrize("visit", VISITS, ids=[v.id for v in VISITS])
def test_page_has_no_serious_accessibility_violations(visit: Visit, signed_in: Callable[[str], Page], app_url: str,
                                                      sample: Sample):
    axe_script = _axe_script()
    page = signed_in(visit.persona)
    page.goto(f"{app_url}/{visit.path.format(s=sample)}")
    title = visit.title(sample) if callable(visit.title) else visit.title
    try:
        # the right page, drawn for this person (not the login form, not Streamlit's "Page not found")
        expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.locator("html")).to_have_attribute("lang", "de")  # read out in German (WCAG 3.1.1)
        _settled(page)
        if visit.action is not None:
            visit.action(page)
            _settled(page)
            # errors are told in words, and announced: every alert has text, not only a colour or an icon
            alerts = page.get_by_role("alert").all_inner_texts()
            assert alerts and all(re.search(r"\w{3}", text) for text in alerts), alerts
        # every chart is announced by what it shows (not Vega's default "Vega visualization"), its texts readable
        expect(page.locator('[data-testid="stVegaLiteChart"][aria-label="Vega visualization"]')).to_have_count(0)
        assert not _faint_chart_texts(page), _faint_chart_texts(page)

        page.add_script_tag(path=axe_script)
        found = page.evaluate(_RUN_AXE, {"tags": WCAG_TAGS, "extra": EXTRA_RULES,
                                         "internals": [[rule, selector] for rule, selector, _ in STREAMLIT_INTERNALS]})
        failing = [v for v in found if v["impact"] in FAILING_IMPACTS or v["id"] in EXTRA_RULES]
        assert not failing, f"{visit.id}:\n{_report(failing)}"
    except AssertionError:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"a11y_{re.sub(r'[^a-z0-9]+', '_', visit.id.lower())}.png"), full_page=True)
        raise
