"""Start page: what the shop does and the five steps to an online application assistant."""

from __future__ import annotations

import streamlit as st

from accounts.approval import latest_decision
from core.db import session_scope
from journey.steps import STEPS
from models import Role, UserStatus
from questionnaire.drafts import list_questionnaires
from questionnaire.team import my_assignments
from web.state import current_actor
from web.text import count, md

actor = current_actor()
if actor is not None and actor.status == UserStatus.PENDING:
    st.title("Ihre Registrierung wird geprüft")
    st.info(
        "Vielen Dank für Ihre Registrierung. Das KISA Team Antragsmanagement prüft Ihre Angaben und schaltet "
        "Ihr Konto frei. Bis dahin können Sie noch nichts bestellen; Sie müssen nichts weiter tun.",
        icon=":material/hourglass_top:",
    )
elif actor is not None and actor.status == UserStatus.REJECTED:
    with session_scope() as session:
        decision = latest_decision(session, user_id=actor.user_id)
    st.title("Ihre Registrierung wurde abgelehnt")
    st.warning(
        "KISA hat Ihre Registrierung nicht freigeschaltet. Begründung: "
        + (md(decision.reason) if decision else "–"),
        icon=":material/block:",
    )
    st.caption("Fragen beantwortet das KISA Team Antragsmanagement: support.onlineantrag@kisa.it")
# One h1 per page: the registration status if there is one, else the five steps (headings go down one level at a time).
status_shown = actor is not None and actor.status in (UserStatus.PENDING, UserStatus.REJECTED)
if status_shown:
    st.header("In fünf Schritten zum Online-Antragsassistenten")
else:
    st.title("In fünf Schritten zum Online-Antragsassistenten")
if actor is None:
    st.markdown(
        "Mit dem **OAA-Shop** bringen sächsische Kommunen ihre Verwaltungsleistungen auf **Amt24** online: "
        "fertige Online-Antragsassistenten (OAA) von KOMM24 und Sächsisch Direkt auswählen, bestellen, "
        "gemeinsam konfigurieren, testen und live schalten – betreut von KISA, alles an einem Ort."
    )
    left, right = st.columns(2)
    with left:
        st.page_link("pages/login.py", label="Anmelden", icon=":material/login:")
    with right:
        st.page_link("pages/register.py", label="Kommune registrieren", icon=":material/how_to_reg:")
elif actor.status == UserStatus.ACTIVE:
    st.markdown(f"Willkommen, **{md(actor.full_name)}**.")
    if actor.role == Role.KOMMUNE:
        with session_scope() as session:
            waiting = [r for r in list_questionnaires(session, actor=actor) if r.editable]
            requests = [a for a in my_assignments(session, actor=actor) if a.state_open]
        if waiting or requests:
            with st.container(border=True):
                st.markdown("**Ihre nächsten Schritte**")
                if requests:
                    st.markdown(f"- Kolleg:innen bitten Sie um Angaben in {count(len(requests), 'Fragebogen', 'Fragebögen')}.")
                if waiting:
                    st.markdown(f"- {count(len(waiting), 'Konfigurationsfragebogen ist', 'Konfigurationsfragebögen sind')} "
                                "noch nicht eingereicht.")
                st.page_link("pages/questionnaires.py", label="Zu den Fragebögen", icon=":material/checklist:")

for step in STEPS:
    with st.container(border=True):
        head, meta = st.columns([3, 1])
        step_heading = head.subheader if status_shown else head.header
        step_heading(f"{step.number}. {step.title}")
        meta.caption(f":material/person: {step.who}  \n:material/schedule: {step.duration}")
        st.write(step.summary)
        st.markdown("\n".join(f"- {item}" for item in step.details))

st.caption(
    "Nach dem Livegang unterstützt KISA weiter: technischer Support, Releases nach Änderungen durch "
    "KOMM24 (z. B. Gesetzesänderungen), Anwenderunterstützung und Konfigurationsänderungen nach "
    "Satzungsänderungen."
)
