"""Versionen: KISA publishes a new release of a product and follows the reviews; a municipality sees the releases of
its products and confirms the check of a flagged configuration."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pandas as pd
import streamlit as st

from accounts.actor import Actor
from catalog.store import catalog_version
from core.config import get_settings
from core.db import session_scope
from core.errors import DomainError, FieldErrors
from core.paging import page_of
from models import Role
from releases.publish import MAX_NOTES, audience, publish_release
from releases.review import (
    MAX_NOTE,
    NoticeView,
    ReleaseOverview,
    ReleaseStats,
    confirm_reviewed,
    overview_version,
    release_overview,
    releases_for_municipality,
)
from web.backoffice import show_feedback
from web.cached import catalog_index, product_labels
from web.charts import show_chart
from web.forms import field_error
from web.guard import require_actor
from web.paging import first_page, page_controls, page_number, page_size
from web.reauth import ReauthRequired, ask_password, password_field, sensitive_scope
from web.search_pick import search_pick
from web.text import count, fmt_date, fmt_datetime, md

actor = require_actor(Role.KOMMUNE, Role.KISA, Role.ADMIN)
S = st.session_state
FEEDBACK = "rel_feedback"
PASSWORD = "rel_password"  # re-authentication before publishing
WHOLE = {"tickMinStep": 1, "format": "d"}  # counts: no 0.2 steps

OPEN_PAGE = "rel_open_page"  # the open reviews come in pages of 25
RELEASE_PAGE = "rel_page"  # all releases (nationwide thousands) in pages of 50, newest first
RELEASE_PAGE_SIZE = 50
# the municipality's own lists, 10 a page unless chosen otherwise: releases to check, all other releases
MINE_OPEN, MINE_OPEN_SIZE, MINE_REST, MINE_REST_SIZE = "rel_m_open", "rel_m_open_size", "rel_m_rest", "rel_m_rest_size"

def _lines(text: str) -> str:
    """Return free text as Markdown that keeps its line breaks and shows nothing but the text."""
    return "  \n".join(md(line) for line in text.splitlines())


# ---- KISA: publish ------------------------------------------------------------------------------------------------


def _publish(staff: Actor, product_id: str, expected_version: int) -> None:
    """Publish what the form holds, against the catalogue entry as it was shown."""
    try:
        with sensitive_scope(PASSWORD, staff) as session:
            summary = publish_release(
                session, actor=staff, product_id=product_id, version=S.get("rel_version") or "",
                notes=S.get("rel_notes") or "", requires_config_review=bool(S.get("rel_review")),
                expected_version=expected_version,
            )
    except ReauthRequired as exc:  # the form stays as typed; the password field shows why
        ask_password(PASSWORD, exc)
    except FieldErrors as exc:
        S["rel_errors"] = exc.errors
    except DomainError as exc:
        S[FEEDBACK] = ("error", str(exc))
    else:
        S["rel_version"], S["rel_notes"], S["rel_review"] = "", "", False
        reviews = (f" Bei {count(summary.reviews_required, 'Kommune', 'Kommunen')} ist die Konfiguration zur Prüfung "
                   "markiert." if summary.reviews_required else "")
        S[FEEDBACK] = ("success", f"Version {summary.version} von „{summary.product_name}“ ist veröffentlicht. "
                                  f"{count(len(summary.municipalities), 'Kommune', 'Kommunen')} benachrichtigt "
                                  f"({count(summary.mails, 'E-Mail', 'E-Mails')}).{reviews}")


def _publish_form(staff: Actor) -> None:
    pick = search_pick("Produkt", product_labels(), key="rel_product", placeholder="Produkt suchen oder wählen …",
                       help="Tippen Sie einen Teil des Namens, um die Liste zu durchsuchen.")
    if pick is None:
        st.caption("Wählen Sie das Produkt, für das der Hersteller eine neue Version geliefert hat.")
        return
    with session_scope() as session:
        reach = audience(session, actor=staff, product_id=pick)
    latest = (f"Aktuelle Version: **{md(reach.latest.version)}** vom {fmt_date(reach.latest.date)}"
              if reach.latest else "Für dieses Produkt ist noch keine Version verzeichnet.")
    st.markdown(f"{latest}  \nIn Nutzung: {count(reach.municipalities, 'Kommune', 'Kommunen')} "
                f"({count(reach.ordered_products, 'bestelltes Produkt', 'bestellte Produkte')}, ohne stornierte und "
                "beendete)")
    errors: dict[str, str] = S.pop("rel_errors", {})
    st.text_input("Neue Version", key="rel_version", max_chars=20, placeholder="z. B. 1.3 oder 1.3.2",
                  help="Zahlen mit Punkten; sie muss höher sein als die aktuelle Version (1.10 folgt auf 1.9).")
    field_error(errors, "version")
    st.text_area("Was ändert sich?", key="rel_notes", max_chars=MAX_NOTES, height=140,
                 help="Die Änderungen in dieser Version, verständlich für die Kommunen (z. B. geänderte Rechtslage, "
                      "neue Felder). Der Text steht in der E-Mail an die Kommunen.")
    field_error(errors, "notes")
    review = st.checkbox("Konfigurationen müssen geprüft werden", key="rel_review",
                         help="Kommunen, die ihre Konfiguration schon eingereicht haben, werden gebeten zu prüfen, ob "
                              "sie zur neuen Version passt, und das zu bestätigen oder eine Änderung zu beantragen.")
    version = (S.get("rel_version") or "").strip()
    with st.popover("Veröffentlichen …", icon=":material/campaign:"):
        what = f"Version {md(version)}" if version else "Die neue Version"
        st.markdown(f"{what} von „{md(reach.product_name)}“ wird veröffentlicht. "
                    f"**{count(reach.municipalities, 'Kommune wird', 'Kommunen werden')}** per E-Mail benachrichtigt "
                    f"({count(reach.ordered_products, 'bestelltes Produkt', 'bestellte Produkte')}).")
        if review:
            st.markdown(f"Bei **{count(reach.reviewable, 'Konfiguration', 'Konfigurationen')}** (schon eingereicht) "
                        "wird eine Prüfung verlangt.")
        else:
            st.markdown("Eine Prüfung der Konfigurationen wird nicht verlangt.")
        st.caption("Das lässt sich nicht zurücknehmen.")
        password_field(PASSWORD, keep=("rel_product", "rel_version", "rel_notes", "rel_review"))
        st.button("Ja, Version veröffentlichen", type="primary", key="rel_publish", on_click=_publish,
                  args=(staff, pick, reach.catalog_version))


# ---- KISA: overview -----------------------------------------------------------------------------------------------


CHART_RELEASES = 15  # newest releases with a review in the chart; the table above has them all


def _chart(releases: list[ReleaseStats]) -> None:
    """Show reviews done vs open per release (only the newest releases that asked for a review)."""
    rows = []
    for stat in [r for r in releases if r.reviews_required][:CHART_RELEASES]:
        if stat.reviews_required:
            rows += [{"Version": stat.label, "Prüfungen": stat.reviews_done, "Stand": "geprüft"},
                     {"Version": stat.label, "Prüfungen": stat.reviews_open, "Stand": "offen"}]
    if not rows:
        return
    # Plain Vega-Lite (no Altair objects): building them cost about 60 ms on every rerun.
    show_chart(
        {"data": {"values": rows}, "mark": {"type": "bar"}, "encoding": {
            "x": {"field": "Prüfungen", "type": "quantitative", "title": "Konfigurationen", "axis": WHOLE},
            "y": {"field": "Version", "type": "nominal", "sort": None, "title": None, "axis": {"labelLimit": 260}},
            # Both bar colours at least 3:1 against white (WCAG 1.4.11); the figures are in the table above.
            "color": {"field": "Stand", "type": "nominal", "title": None, "sort": ["geprüft", "offen"],
                      "scale": {"domain": ["geprüft", "offen"], "range": ["#2e7d32", "#cf7a00"]}},
            "order": {"field": "Stand", "type": "nominal", "sort": "ascending"},
            "tooltip": [{"field": "Version", "type": "nominal"}, {"field": "Stand", "type": "nominal"},
                        {"field": "Prüfungen", "type": "quantitative"}]}},
        description=f"Balkendiagramm: je Version dieser Seite, die eine Prüfung verlangt (die {CHART_RELEASES} "
                    "neuesten), die geprüften und die offenen Konfigurationen. Die Zahlen stehen in der Tabelle über "
                    "dem Diagramm.",
        key="rel_chart_table",
    )


@st.cache_data(max_entries=50, ttl=3600, show_spinner=False)
def _overview_of(version: tuple[Any, ...], product_id: str | None, number: int, open_number: int,
                 _staff: Actor) -> ReleaseOverview:
    """The overview for all staff until a notice, a check, a product's state or the catalogue changes (``version``):
    counting the notices of thousands of releases took PostgreSQL about 40 ms on every rerun."""
    del version  # cache key only
    with session_scope() as session:
        return release_overview(session, actor=_staff, product_id=product_id, catalogue=catalog_index().by_id,
                                number=number, size=RELEASE_PAGE_SIZE, open_number=open_number, open_size=25)


def _filter_changed() -> None:
    first_page(RELEASE_PAGE)
    first_page(OPEN_PAGE)


def _overview(staff: Actor) -> None:
    chosen = search_pick("Produkt", product_labels(), key="rel_filter", on_change=_filter_changed,
                         placeholder="Alle über den Shop veröffentlichten Versionen",
                         help="Mit einem Produkt sehen Sie alle seine Versionen aus dem Katalog.")
    with session_scope() as session:
        version = (overview_version(session), catalog_version(session), get_settings().effective_database_url())
    overview = _overview_of(version, chosen, page_number(RELEASE_PAGE), page_number(OPEN_PAGE), staff)
    if not overview.releases:
        st.info("Noch keine Version über den Shop veröffentlicht." if chosen is None
                else "Für dieses Produkt ist noch keine Version verzeichnet.", icon=":material/info:")
        return
    table = pd.DataFrame([{
        "Produkt": s.product_name, "Version": s.version, "Datum": fmt_date(s.release_date),
        "Prüfung verlangt": "ja" if s.requires_config_review else "nein", "Benachrichtigt": s.notified,
        "zu prüfen": s.reviews_required, "geprüft": s.reviews_done, "offen": s.reviews_open,
        "entfallen": s.reviews_dropped,
    } for s in overview.releases])
    if not table["entfallen"].any():
        table = table.drop(columns="entfallen")
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "Benachrichtigt": st.column_config.NumberColumn(help="Bestellte Produkte, deren Kommune informiert wurde"),
        "zu prüfen": st.column_config.NumberColumn(help="Eingereichte Konfigurationen, die geprüft werden sollen"),
        "entfallen": st.column_config.NumberColumn(help="Nicht mehr nötig: das Produkt ist storniert oder beendet"),
    })
    page_controls(RELEASE_PAGE, overview.releases_page)
    _chart(overview.releases)

    page = overview.open_page
    st.header(f"Offene Prüfungen ({page.total})")
    if not page.items:
        st.success("Alle verlangten Prüfungen sind erledigt.", icon=":material/check:")
        return
    for (town, ags), reviews in groupby(page.items, key=lambda r: (r.municipality_name, r.ags)):
        with st.container(border=True):
            st.markdown(f"**{md(town)}** (AGS {ags})")
            for review in reviews:
                text_col, link_col = st.columns([4, 1], vertical_alignment="center")
                text_col.markdown(f"{md(review.product_name)} · Version {md(review.version)} · "
                                  f":blue-badge[{md(review.state_name)}]  \n"
                                  f":gray[benachrichtigt am {fmt_datetime(review.notified_at)}]")
                with link_col:
                    st.page_link("pages/kisa_case.py", label="Vorgang", icon=":material/work:",
                                 query_params={"nr": str(review.ordered_product_id)})
    page_controls(OPEN_PAGE, page)


# ---- municipality -------------------------------------------------------------------------------------------------


def _confirm(person: Actor, notice: NoticeView, widget: str) -> None:
    try:
        with session_scope() as session:
            done = confirm_reviewed(session, actor=person, notice_id=notice.notice_id, note=S.get(widget) or "")
    except FieldErrors as exc:
        S[f"rel_note_error_{notice.notice_id}"] = exc.errors.get("note", str(exc))
    except DomainError as exc:
        S[FEEDBACK] = ("error", str(exc))
    else:
        S[widget] = ""
        S[FEEDBACK] = ("success", f"Vermerkt: Die Konfiguration von „{notice.product_name}“ passt zu Version "
                                  f"{notice.version}." if done else "Diese Prüfung war schon vermerkt.")


def _heading(notice: NoticeView) -> None:
    when = f" vom {fmt_date(notice.release_date)}" if notice.release_date else ""
    st.markdown(f"**{md(notice.product_name)}** · Version {md(notice.version)}{when}")
    if notice.notes:
        st.markdown(_lines(notice.notes))


def _to_review(person: Actor, notice: NoticeView) -> None:
    with st.container(border=True):
        _heading(notice)
        st.caption(f"Stand: {md(notice.state_name)} · benachrichtigt am {fmt_datetime(notice.notified_at)}")
        st.warning("Bitte prüfen Sie, ob Ihre Konfiguration zu dieser Version passt. Ist keine Änderung nötig, "
                   f"bestätigen Sie das unten. {md(notice.change_hint)}", icon=":material/rule:")
        links = [("pages/questionnaire_form.py", "Konfiguration ansehen", ":material/visibility:")
                 if notice.questionnaire_id is not None else None,
                 ("pages/acceptance.py", "Änderung beantragen", ":material/edit:") if notice.can_request_change else None]
        nr = {"nr": str(notice.ordered_product_id)}
        for column, (page, label, icon) in zip(st.columns(3), [link for link in links if link], strict=False):
            with column:
                st.page_link(page, label=label, icon=icon, query_params=nr)
        widget = f"rel_note_{notice.notice_id}"
        st.text_input("Notiz zur Prüfung (optional)", key=widget, max_chars=MAX_NOTE,
                      placeholder="z. B. Gebührenfeld geprüft, passt")
        message = S.pop(f"rel_note_error_{notice.notice_id}", None)
        if message:
            st.error(md(message), icon=":material/error:")
        st.button("Geprüft, keine Änderung nötig", key=f"rel_ok_{notice.notice_id}", icon=":material/task_alt:",
                  type="primary", on_click=_confirm, args=(person, notice, widget))


def _status(notice: NoticeView) -> str:
    if notice.reviewed_at is not None:
        return (f":green-badge[:material/check: geprüft] {md(notice.review_note)}  \n"
                f":gray[{md(notice.reviewed_by)}, {fmt_datetime(notice.reviewed_at)}]")
    if notice.review_required:
        return ":gray-badge[Prüfung entfällt] Das Produkt ist nicht mehr in Nutzung."
    return f":gray-badge[keine Prüfung nötig] {md(notice.todo)}"


def _municipal(person: Actor) -> None:
    st.caption("Nach dem Livegang liefern die Hersteller neue Versionen der Antragsassistenten, etwa nach einer "
               "Gesetzesänderung. Hier sehen Sie die Versionen Ihrer Produkte. Wenn eine Version es verlangt, prüfen "
               "Sie Ihre Konfiguration und bestätigen das – oder beantragen eine Änderung.")
    show_feedback(FEEDBACK)
    with session_scope() as session:
        notices = releases_for_municipality(session, actor=person, catalogue=catalog_index().by_id)
    if not notices:
        st.info("Für Ihre Produkte wurden noch keine neuen Versionen veröffentlicht.", icon=":material/info:")
        return
    flagged = [n for n in notices if n.open]
    if flagged:
        st.header(f"Konfiguration prüfen ({len(flagged)})")
        page = page_of(flagged, page_number(MINE_OPEN), page_size(MINE_OPEN_SIZE))
        for notice in page.items:
            _to_review(person, notice)
        page_controls(MINE_OPEN, page, size_key=MINE_OPEN_SIZE)
    rest = [n for n in notices if not n.open]
    if rest:
        st.header("Alle Versionen Ihrer Produkte" if not flagged else "Weitere Versionen")
        page = page_of(rest, page_number(MINE_REST), page_size(MINE_REST_SIZE))
        for notice in page.items:
            with st.container(border=True):
                _heading(notice)
                st.markdown(_status(notice))
        page_controls(MINE_REST, page, size_key=MINE_REST_SIZE)


# ---- page ---------------------------------------------------------------------------------------------------------

st.title("Versionen")
if actor.role == Role.KOMMUNE:
    _municipal(actor)
else:
    st.caption("Neue Versionen der Antragsassistenten veröffentlichen (z. B. nach einer Gesetzesänderung beim "
               "Hersteller). Alle Kommunen, die das Produkt nutzen, werden per E-Mail informiert; wenn nötig, prüfen "
               "sie ihre Konfiguration.")
    show_feedback(FEEDBACK)
    with st.container(border=True):
        st.header("Neue Version veröffentlichen")
        _publish_form(actor)
    st.header("Veröffentlichte Versionen")
    _overview(actor)
