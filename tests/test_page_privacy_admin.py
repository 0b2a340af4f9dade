"""AppTest of the data-protection section on the administrators' account page: access and erasure."""

from __future__ import annotations

from sqlmodel import select

from models import AuditEvent, Role, User, UserStatus
from privacy.matching import placeholder_email, placeholder_name
from tests.apptest_helpers import app_like_server, click, open_page, run, texts
from tests.builders import make_user

__all__ = ["app_like_server"]  # autouse fixture


def test_an_administrator_erases_a_person_after_confirming_with_a_reason(engine, session):
    admin = make_user(session, role=Role.ADMIN)
    target = make_user(session, email="zu.loeschen@stadt.example")
    at = open_page(engine, "accounts_admin", user=admin)
    assert not at.selectbox(key="adm_privacy_pick").value
    run(at, at.selectbox(key="adm_privacy_pick").select(target.id))
    assert at.get("download_button")  # the export is offered for the chosen person

    click(at, "Ja, Daten endgültig löschen")  # no reason yet
    assert any("Grund der Löschung" in m for m in texts(at, "error"))
    session.expire_all()
    assert session.get(User, target.id).email == "zu.loeschen@stadt.example"
    session.commit()

    run(at, at.text_area(key="adm_privacy_reason").input("Antrag nach Art. 17 DSGVO vom 3. März"))
    click(at, "Ja, Daten endgültig löschen")
    assert any(f"Konto {target.id} wurden gelöscht" in s.value for s in at.success)
    session.expire_all()
    erased = session.get(User, target.id)
    assert (erased.full_name, erased.email, erased.status) == (
        placeholder_name(target.id), placeholder_email(target.id), UserStatus.DISABLED)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "privacy.erased")).one().actor_id == admin.id
    session.commit()
    assert "zu.loeschen@stadt.example" not in set(at.dataframe[0].value["E-Mail"])


def test_the_own_account_is_offered_for_access_but_not_for_erasure(engine, session):
    admin = make_user(session, role=Role.ADMIN)
    at = open_page(engine, "accounts_admin", user=admin)
    run(at, at.selectbox(key="adm_privacy_pick").select(admin.id))
    assert at.get("download_button")
    assert not [b for b in at.button if b.label == "Ja, Daten endgültig löschen"]
