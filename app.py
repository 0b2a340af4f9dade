"""OAA-Shop: frame and router only — page config, login gate, role-based navigation, sidebar."""

from __future__ import annotations

import streamlit as st

from accounts.actor import Actor
from core.config import get_settings
from models import Role, UserStatus
from models.user import ROLE_NAMES
from web import state
from web.auth import SSO_PROBLEM, emit_cookie_scripts, log_out, restore_login, return_after_sso
from web.demo_panel import demo_panel
from web.errors import show_unexpected_error
from web.fragments import whole_run
from web.missing_page import with_not_found_page
from web.text import md

st.set_page_config(
    page_title="OAA-Shop – Online-Antragsassistenten für Amt24", page_icon=":material/account_balance:", layout="wide"
)


def _page(file: str, title: str, icon: str, url_path: str, *, default: bool = False) -> st.Page:
    return st.Page(f"pages/{file}", title=title, icon=icon, url_path=url_path, default=default)


def _questionnaire_page() -> st.Page:
    """The questionnaire of one product; opened from lists and e-mail links, not from the sidebar."""
    return st.Page("pages/questionnaire_form.py", title="Fragebogen", icon=":material/edit_note:", url_path="fragebogen",
                   visibility="hidden")


def _acceptance_page(*, hidden: bool = True) -> st.Page:
    """Test and acceptance of one product; KISA opens it from the case page, mails link to it."""
    return st.Page("pages/acceptance.py", title="Test und Abnahme", icon=":material/fact_check:", url_path="abnahme",
                   visibility="hidden" if hidden else "visible")


def _info_group() -> dict[str, list[st.Page]]:
    """The participants' info pages: for everybody, logged in or not."""
    return {"Informationen": [
        _page("info_roles.py", "Rollen und Aufgaben", ":material/groups:", "rollen"),
        _page("info_systems.py", "Systeme und Datenfluss", ":material/account_tree:", "systeme"),
        _page("info_services.py", "Leistungen und Kontakte", ":material/contact_support:", "leistungen"),
        _page("info_faq.py", "Häufige Fragen", ":material/quiz:", "fragen"),
    ]}


def _workshop_group() -> dict[str, list[st.Page]]:
    """The workshop tour, in demo mode only; placed high in the sidebar so long navigations do not fold it away."""
    return {"Workshop": [_page("tour.py", "Workshop-Tour", ":material/tour:", "tour")]} if get_settings().demo else {}


def pages_for(actor: Actor | None) -> dict[str, list[st.Page]]:
    """Return the pages this person may see, grouped for the sidebar; the first page is the landing page."""
    if actor is None:
        return {"": [
            _page("start.py", "Start", ":material/home:", "start", default=True),
            _page("login.py", "Anmelden", ":material/login:", "anmelden"),
            _page("register.py", "Registrieren", ":material/how_to_reg:", "registrieren"),
            _page("invitation.py", "Einladung annehmen", ":material/mail:", "einladung"),
            # Links from e-mails: these pages ask for the login in place and then show what the link points to.
            _questionnaire_page(),
            st.Page("pages/questionnaires.py", title="Fragebögen", url_path="frageboegen", visibility="hidden"),
            st.Page("pages/journey.py", title="Fortschritt", url_path="fortschritt", visibility="hidden"),
            _acceptance_page(),
            st.Page("pages/problems.py", title="Meldungen", url_path="meldungen", visibility="hidden"),
            st.Page("pages/releases.py", title="Versionen", url_path="versionen", visibility="hidden"),
        ], **_workshop_group(), **_info_group()}
    if actor.status != UserStatus.ACTIVE:
        return {"": [_page("start.py", "Status der Registrierung", ":material/hourglass_top:", "start", default=True)],
                **_workshop_group(), **_info_group()}
    start = _page("start.py", "Start", ":material/home:", "start", default=True)
    catalog = [
        _page("catalog_search.py", "OAA-Katalog", ":material/apps:", "katalog"),
        st.Page("pages/product.py", title="Produkt", icon=":material/description:", url_path="produkt", visibility="hidden"),
    ]
    if actor.role == Role.KOMMUNE:
        return {
            "Übersicht": [start, *catalog],
            **_workshop_group(),
            "Meine Kommune": [
                _page("cart.py", "Warenkorb", ":material/shopping_cart:", "warenkorb"),
                _page("my_orders.py", "Meine Bestellungen", ":material/receipt_long:", "bestellungen"),
                _page("journey.py", "Fortschritt", ":material/timeline:", "fortschritt"),
                _page("questionnaires.py", "Fragebögen", ":material/checklist:", "frageboegen"),
                _acceptance_page(hidden=False),
                _page("problems.py", "Meldungen an KISA", ":material/support_agent:", "meldungen"),
                _page("releases.py", "Versionen", ":material/new_releases:", "versionen"),
                _page("master_data.py", "Stammdaten", ":material/domain:", "stammdaten"),
                _page("team.py", "Mein Team", ":material/group:", "team"),
                _questionnaire_page(),
            ],
            **_info_group(),
        }
    staff_pages = {
        "Übersicht": [start, *catalog],
        **_workshop_group(),
        "KISA": [
            _page("kisa_queue.py", "Arbeitsvorrat", ":material/inbox:", "arbeitsvorrat"),
            _page("kisa_dashboard.py", "Kennzahlen", ":material/monitoring:", "kennzahlen"),
            st.Page("pages/kisa_case.py", title="Vorgang", icon=":material/work:", url_path="vorgang",
                    visibility="hidden"),
            _page("problems.py", "Meldungen", ":material/support_agent:", "meldungen"),
            _page("releases.py", "Versionen", ":material/new_releases:", "versionen"),
            _page("journey.py", "Fortschritt", ":material/timeline:", "fortschritt"),
            _acceptance_page(),
            _page("approvals.py", "Freischaltungen", ":material/verified_user:", "freischaltungen"),
            _page("my_orders.py", "Bestellungen", ":material/receipt_long:", "bestellungen"),
            _page("questionnaires.py", "Fragebögen", ":material/checklist:", "frageboegen"),
            _questionnaire_page(),
            _page("catalog_admin.py", "Katalogpflege", ":material/edit_note:", "katalogpflege"),
            _page("contracts_admin.py", "Vertrag und Förderung", ":material/gavel:", "vertrag"),
            _page("outbox.py", "Postausgang", ":material/outbox:", "postausgang"),
            _page("audit_log.py", "Protokoll", ":material/history:", "protokoll"),
        ],
    }
    if actor.role == Role.ADMIN:
        staff_pages["Administration"] = [
            _page("accounts_admin.py", "Benutzerkonten", ":material/manage_accounts:", "benutzerkonten")
        ]
    return staff_pages | _info_group()


def sidebar(actor: Actor | None) -> None:
    """Show who is logged in, the logout button and, in demo mode, the note and the demo panel."""
    with st.sidebar:
        if get_settings().demo:
            st.caption(":material/science: Demomodus: alle Kommunen, Personen und Preise sind Beispieldaten.")
            demo_panel(actor)
        if actor is None:
            return
        st.markdown(f"**{md(actor.full_name)}**  \n{md(actor.email)}")
        st.caption(f"Rolle: {ROLE_NAMES[actor.role]}")
        if st.button("Abmelden", icon=":material/logout:", width="stretch", key="sidebar_logout"):
            log_out()
            state.flash("Sie wurden abgemeldet.")
            st.rerun()


def main() -> None:
    """Run one script pass: restore the login, build the navigation, run the chosen page."""
    actor = restore_login()
    emit_cookie_scripts()
    message = state.pop_flash()
    if message:
        st.toast(message, icon=":material/info:")
    # Always the whole menu: with the info pages (and the tour) a role has more than the twelve pages Streamlit shows
    # unfolded, and "View more" would hide pages people look for (e.g. "Mein Team").
    navigation = st.navigation(with_not_found_page(pages_for(actor)), expanded=True)
    return_after_sso()
    sidebar(actor)
    sso_problem = st.session_state.pop(SSO_PROBLEM, None)
    if actor is None and sso_problem:  # back from the identity provider without a usable account here
        st.error(md(str(sso_problem)), icon=":material/person_off:")
    whole_run(actor)  # parts of the page that rerun alone check the login against this (web/fragments.py)
    navigation.run()


try:
    main()
except Exception as exc:  # st.rerun/st.stop are BaseException and pass through
    show_unexpected_error(exc)
