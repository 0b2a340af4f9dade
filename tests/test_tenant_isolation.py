"""A municipal user never sees another municipality's records, whatever id they ask for."""

import pytest
from sqlmodel import select

from accounts import directory, team
from accounts.access import scope_to_tenant
from audit.log import list_events, record
from core.errors import NotFound, PermissionDenied
from models import Role, User, UserStatus
from tests.builders import actor_of, make_municipality, make_user


@pytest.fixture
def two_tenants(session):
    a, b = make_municipality(session, name="Kommune A"), make_municipality(session, name="Kommune B")
    return {
        "a": a,
        "b": b,
        "alice": make_user(session, municipality=a, can_manage_team=True),
        "alice2": make_user(session, municipality=a),
        "bob": make_user(session, municipality=b, can_manage_team=True),
        "kisa": make_user(session, role=Role.KISA),
    }


def test_municipal_user_gets_nothing_for_another_tenants_municipality(session, two_tenants):
    alice = actor_of(two_tenants["alice"])
    assert directory.get_municipality(session, actor=alice, municipality_id=two_tenants["b"].id) is None
    assert directory.get_municipality(session, actor=alice, municipality_id=two_tenants["a"].id).name == "Kommune A"


def test_municipal_user_gets_nothing_for_another_tenants_user(session, two_tenants):
    alice = actor_of(two_tenants["alice"])
    assert directory.get_user(session, actor=alice, user_id=two_tenants["bob"].id) is None
    assert directory.get_user(session, actor=alice, user_id=two_tenants["kisa"].id) is None
    assert directory.get_user(session, actor=alice, user_id=two_tenants["alice2"].id) is not None


def test_team_list_shows_only_the_own_municipality(session, two_tenants):
    names = {m.email for m in team.list_team(session, actor=actor_of(two_tenants["alice"]))}
    assert names == {two_tenants["alice"].email, two_tenants["alice2"].email}
    everyone = {m.email for m in team.list_team(session, actor=actor_of(two_tenants["kisa"]))}
    assert two_tenants["bob"].email in everyone


def test_staff_see_every_tenant(session, two_tenants):
    kisa = actor_of(two_tenants["kisa"])
    assert directory.get_municipality(session, actor=kisa, municipality_id=two_tenants["b"].id) is not None
    assert {m.name for m in directory.list_municipalities(session, actor=kisa)} >= {"Kommune A", "Kommune B"}
    with pytest.raises(PermissionDenied):
        directory.list_municipalities(session, actor=actor_of(two_tenants["alice"]))


def test_scoped_query_for_a_user_without_tenant_returns_nothing(session, two_tenants):
    pending_kisa = actor_of(make_user(session, role=Role.KISA, status=UserStatus.PENDING))
    rows = session.exec(scope_to_tenant(select(User), pending_kisa, User.municipality_id)).all()
    assert rows == []


def test_audit_log_is_for_staff_only(session, two_tenants):
    record(session, action="test.event", entity_type="x", municipality_id=two_tenants["b"].id, details="B")
    session.commit()
    with pytest.raises(PermissionDenied):
        list_events(session, actor=actor_of(two_tenants["alice"]))
    page = list_events(session, actor=actor_of(two_tenants["kisa"]), action_prefix="test")
    assert page.total == 1 and page.events[0].details == "B"


def test_invitation_token_of_one_tenant_cannot_be_guessed(session, two_tenants):
    with pytest.raises(NotFound):
        team.peek_invitation(session, token="x" * 32)


def test_audit_search_treats_percent_and_underscore_literally(session, two_tenants):
    record(session, action="test.event", entity_type="x", details="Rabatt 100% gewährt")
    record(session, action="test.event", entity_type="x", details="Rabatt 1000 gewährt")
    session.commit()
    kisa = actor_of(two_tenants["kisa"])
    assert [e.details for e in list_events(session, actor=kisa, text="100%").events] == ["Rabatt 100% gewährt"]
    assert list_events(session, actor=kisa, text="_").total == 0
