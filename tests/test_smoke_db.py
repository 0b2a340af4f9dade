from sqlmodel import select

from models import Gemeinde


def test_reference_list_holds_all_saxon_municipalities(session):
    rows = session.exec(select(Gemeinde)).all()
    assert len(rows) == 419
    assert any(g.name.startswith("Bautzen/Budyšin") for g in rows)
