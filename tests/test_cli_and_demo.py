"""Operator commands and the demo data's reset."""

from sqlmodel import select
from typer.testing import CliRunner

from accounts.authentication import authenticate
from cli.main import app
from demo.personas import DEMO_PASSWORD, PERSONAS
from demo.seed import reset_demo, seed_demo
from models import AuditEvent, Municipality, Role, User, UserStatus
from tests.builders import PASSWORD, make_user

runner = CliRunner()


def test_first_admin_is_created_on_the_command_line(engine, session):
    result = runner.invoke(app, ["user", "create", "--role", "admin", "--email", "Chefin@KISA.example",
                                 "--name", "Erste Administratorin", "--password", "Leipziger-Allerlei-2026"])
    assert result.exit_code == 0, result.output
    assert "Konto angelegt" in result.output
    admin = session.exec(select(User).where(User.email == "chefin@kisa.example")).one()
    assert admin.role == Role.ADMIN and admin.status == UserStatus.ACTIVE and not admin.is_demo
    assert authenticate(session, email="chefin@kisa.example", password="Leipziger-Allerlei-2026").actor


def test_user_create_refuses_bad_input_in_german(engine, session):
    result = runner.invoke(app, ["user", "create", "--email", "kaputt", "--name", "A", "--password", "kurz"])
    assert result.exit_code == 2
    assert "gültige E-Mail-Adresse" in result.output and "mindestens 12" in result.output
    assert session.exec(select(User)).all() == []


def test_db_upgrade_reports_the_revision(engine):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Datenbank ist auf Stand" in result.output


def test_demo_reset_is_refused_when_demo_mode_is_off(engine, monkeypatch):
    monkeypatch.delenv("OAA_DEMO", raising=False)
    result = runner.invoke(app, ["demo", "reset"])
    assert result.exit_code == 2 and "Demomodus ist aus" in result.output


def test_demo_personas_can_log_in_with_the_demo_password(session):
    seed_demo(session)
    session.commit()
    for persona in PERSONAS:
        outcome = authenticate(session, email=persona.email, password=DEMO_PASSWORD)
        assert outcome.actor is not None, persona.key
        assert outcome.actor.is_active != persona.pending


def test_demo_reset_restores_the_story_and_leaves_real_records_alone(session):
    real = make_user(session)
    assert authenticate(session, email=real.email, password=PASSWORD).actor is not None  # leaves an audit event
    seed_demo(session)
    session.commit()
    coordinator = session.exec(select(User).where(User.email == PERSONAS[0].email)).one()
    coordinator.full_name = "Umbenannt im Workshop"
    session.add(coordinator)
    session.commit()

    reset_demo(session)
    session.commit()
    session.expire_all()
    assert session.get(User, real.id) is not None
    restored = session.exec(select(User).where(User.email == PERSONAS[0].email)).one()
    assert restored.full_name == "Anna Beispiel"
    assert len(session.exec(select(User).where(User.is_demo)).all()) == len(PERSONAS)
    assert all("Beispiel" in m.name for m in session.exec(select(Municipality).where(Municipality.is_demo)).all())
    assert session.exec(select(AuditEvent).where(AuditEvent.actor_id == real.id)).all()  # real history kept


def test_demo_reset_via_cli_when_demo_mode_is_on(engine, session, monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    from core.config import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "reset"])
    assert result.exit_code == 0, result.output
    assert "Demodaten zurückgesetzt" in result.output


def test_demo_municipalities_have_products_at_several_stages_and_reset_keeps_real_orders(session):
    from catalog.store import import_catalog
    from models import OrderedProduct
    from tests.builders import make_municipality
    from tests.catalog_builders import make_product

    import_catalog(session, products=[make_product("Meldebescheinigung"), make_product("Anmeldung Eheschließung")])
    real_town = make_municipality(session)
    session.add(OrderedProduct(municipality_id=real_town.id, product_id="meldebescheinigung"))
    seed_demo(session)
    session.commit()
    demo_orders = session.exec(select(OrderedProduct).where(OrderedProduct.municipality_id != real_town.id)).all()
    assert {o.state.value for o in demo_orders} >= {"live", "setup", "testing"}
    reset_demo(session)
    session.commit()
    assert len(session.exec(select(OrderedProduct).where(OrderedProduct.municipality_id == real_town.id)).all()) == 1
    assert len(session.exec(select(OrderedProduct)).all()) == 1 + len(demo_orders)


def test_demo_reset_keeps_a_real_problem_thread_a_demo_kisa_person_answered(session):
    """Demo staff may work on real cases during a workshop: the reset unlinks them and keeps the real thread."""
    from demo.personas import persona
    from models import OrderedProduct, OrderedProductState, ProblemMessage, ProblemReport
    from support.threads import reply, report_problem
    from tests.builders import actor_of, make_municipality
    from tests.questionnaire_builders import order_product, questionnaire_catalog

    questionnaire_catalog(session)
    seed_demo(session)
    session.commit()
    real_town = make_municipality(session)
    ordered = order_product(session, real_town, "meldebescheinigung", state=OrderedProductState.TESTING)
    coordinator = actor_of(make_user(session, municipality=real_town, can_manage_team=True))
    report_id = report_problem(session, actor=coordinator, ordered_product_id=ordered.id, title="Absenden geht nicht",
                               text="Fehler beim Absenden.")
    kisa = session.exec(select(User).where(User.email == persona("kisa").email)).one()
    reply(session, actor=actor_of(kisa), report_id=report_id, text="Wir prüfen das (Demo-Antwort).")
    session.commit()
    reset_demo(session)
    session.commit()
    assert session.get(OrderedProduct, ordered.id) is not None and session.get(ProblemReport, report_id) is not None
    messages = session.exec(select(ProblemMessage).where(ProblemMessage.report_id == report_id)).all()
    assert [(m.author_id is None, m.from_kisa) for m in messages] == [(False, False), (True, True)]


def test_db_analyze_gives_the_query_planner_statistics(engine, session):
    make_user(session)
    session.commit()
    result = runner.invoke(app, ["db", "analyze"])
    assert result.exit_code == 0, result.output
    assert "Statistiken für die Abfrageplanung aktualisiert." in result.output
    with engine.connect() as conn:  # the planner reads them from here: SQLite's stat table, PostgreSQL's pg_stats
        if engine.dialect.name == "sqlite":
            tables = {row[0] for row in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
        else:
            tables = {row[0] for row in conn.exec_driver_sql(
                "SELECT tablename FROM pg_stats WHERE schemaname = current_schema()")}
    assert "user" in tables
