"""`oaa`: operator commands (database, reference data, users, demo data)."""

from __future__ import annotations

import getpass
import sys

import typer

from core.errors import FieldErrors
from models import Role

app = typer.Typer(help="OAA-Shop: Befehle für den Betrieb.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Datenbank", no_args_is_help=True)
user_app = typer.Typer(help="Benutzerkonten", no_args_is_help=True)
demo_app = typer.Typer(help="Demodaten (Beispieldaten)", no_args_is_help=True)
ref_app = typer.Typer(help="Referenzdaten (Gemeindeverzeichnis)", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(demo_app, name="demo")
app.add_typer(ref_app, name="reference")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Ziel-Revision")) -> None:
    """Bring the schema to the newest migration and load the municipality list if it is empty."""
    from core import migrate
    from core.db import session_scope
    from municipalities.reference import import_reference, list_gemeinden

    migrate.upgrade(revision=revision)
    with session_scope() as session:
        if not list_gemeinden(session):
            count = import_reference(session)
            typer.echo(f"Gemeindeverzeichnis geladen: {count} Gemeinden.")
    typer.echo(f"Datenbank ist auf Stand {migrate.current_revision()}.")


@ref_app.command("import")
def reference_import(path: str = typer.Argument(None, help="CSV mit ags,name,kreis_schluessel,kreis")) -> None:
    """Replace the municipality list (default: the shipped list of Saxon municipalities)."""
    from pathlib import Path

    from core.db import session_scope
    from municipalities.reference import import_reference, read_csv

    rows = read_csv(Path(path)) if path else None
    with session_scope() as session:
        count = import_reference(session, rows)
    typer.echo(f"Gemeindeverzeichnis ersetzt: {count} Gemeinden.")


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., "--email", help="E-Mail-Adresse (Anmeldename)"),
    name: str = typer.Option(..., "--name", help="Vor- und Nachname"),
    role: Role = typer.Option(Role.ADMIN, "--role", help="admin oder kisa"),
    password: str = typer.Option("", "--password", help="Passwort; ohne Angabe wird es abgefragt"),
) -> None:
    """Create an administrator or KISA staff account (the first admin comes from here)."""
    from accounts.staff import create_staff_user
    from core.db import session_scope

    if not password:
        password = getpass.getpass("Passwort: ")
        if password != getpass.getpass("Passwort wiederholen: "):
            typer.echo("Die Passwörter stimmen nicht überein.", err=True)
            raise typer.Exit(2)
    try:
        with session_scope() as session:
            user = create_staff_user(session, email=email, full_name=name, password=password, role=role,
                                     created_by="oaa user create")
    except FieldErrors as exc:
        for field, message in exc.errors.items():
            typer.echo(f"{field}: {message}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"Konto angelegt: {user.email} (Rolle {role.value}).")


@demo_app.command("seed")
def demo_seed(if_empty: bool = typer.Option(False, "--if-empty", help="Nur anlegen, wenn noch keine Konten da sind")) -> None:
    """Create the demo story (sample municipalities and personas)."""
    from sqlmodel import select

    from core.db import session_scope
    from demo.seed import has_demo_data, seed_demo
    from models import User

    with session_scope() as session:
        if if_empty and session.exec(select(User.id)).first() is not None:
            typer.echo("Datenbank enthält bereits Konten: keine Demodaten angelegt.")
            return
        if has_demo_data(session):
            typer.echo("Demodaten sind bereits vorhanden (zurücksetzen mit: oaa demo reset).")
            return
        count = seed_demo(session)
    typer.echo(f"Demodaten angelegt: {count} Demo-Personen.")


@demo_app.command("reset")
def demo_reset() -> None:
    """Reset the demo story; refused unless demo mode is on (OAA_DEMO=1)."""
    from core.config import get_settings
    from core.db import session_scope
    from demo.seed import reset_demo

    if not get_settings().demo:
        typer.echo("Der Demomodus ist aus (OAA_DEMO=1 setzen): Demodaten werden nicht zurückgesetzt.", err=True)
        raise typer.Exit(2)
    with session_scope() as session:
        count = reset_demo(session)
    typer.echo(f"Demodaten zurückgesetzt: {count} Demo-Personen.")


def main() -> None:  # pragma: no cover - console entry for `python -m cli.main`
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
