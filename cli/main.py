"""`oaa`: operator commands (database, reference data, users, demo data)."""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from core.db import database_problem, is_database_unavailable
from core.errors import FieldErrors
from models import Role

if TYPE_CHECKING:
    from sqlmodel import Session

class _Commands(TyperGroup):
    """All `oaa` commands: a database that cannot be reached is one German line (exit 1), not a long traceback."""

    def invoke(self, ctx: Any) -> Any:  # typer.core.Context (typer bundles its own click)
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            typer.echo(f"Die Datenbank ist nicht erreichbar ({database_problem(exc)}). Der Befehl wurde abgebrochen; "
                       "bitte versuchen Sie es erneut, wenn die Datenbank wieder läuft.", err=True)
            raise typer.Exit(1) from exc


app = typer.Typer(help="OAA-Shop: Befehle für den Betrieb.", no_args_is_help=True, add_completion=False,
                  cls=_Commands)
db_app = typer.Typer(help="Datenbank", no_args_is_help=True)
user_app = typer.Typer(help="Benutzerkonten", no_args_is_help=True)
demo_app = typer.Typer(help="Demodaten (Beispieldaten)", no_args_is_help=True)
ref_app = typer.Typer(help="Referenzdaten (Gemeindeverzeichnis)", no_args_is_help=True)
catalog_app = typer.Typer(help="OAA-Katalog", no_args_is_help=True)
outbox_app = typer.Typer(help="Postausgang (E-Mail-Versand)", no_args_is_help=True)
config_app = typer.Typer(help="Konfigurationen (Fragebögen) für KISA", no_args_is_help=True)
privacy_app = typer.Typer(help="Datenschutz: Auskunft, Löschung, Aufbewahrungsfristen", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(demo_app, name="demo")
app.add_typer(ref_app, name="reference")
app.add_typer(catalog_app, name="catalog")
app.add_typer(outbox_app, name="outbox")
app.add_typer(config_app, name="config")
app.add_typer(privacy_app, name="privacy")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Ziel-Revision")) -> None:
    """Bring the schema to the newest migration and load the municipality list if it is empty."""
    from catalog.loader import read_directory
    from catalog.store import import_catalog, is_empty
    from core import migrate
    from core.db import get_engine, refresh_statistics, session_scope
    from municipalities.reference import import_reference, list_gemeinden

    migrate.upgrade(revision=revision)
    with session_scope() as session:
        if not list_gemeinden(session):
            count = import_reference(session)
            typer.echo(f"Gemeindeverzeichnis geladen: {count} Gemeinden.")
        if revision == "head" and is_empty(session):
            report = import_catalog(session, products=read_directory(), actor_label="oaa db upgrade")
            typer.echo(f"Katalog geladen: {len(report.added)} Produkte.")
        if revision == "head":
            from orders.defaults import ensure_defaults

            for item in ensure_defaults(session):
                typer.echo(f"Angelegt: {item}.")
    if get_engine().dialect.name == "sqlite":  # PostgreSQL's autovacuum keeps its statistics itself
        refresh_statistics(get_engine())
    typer.echo(f"Datenbank ist auf Stand {migrate.current_revision()}.")


@db_app.command("analyze")
def db_analyze() -> None:
    """Refresh the query planner's statistics (after large imports; PostgreSQL's autovacuum also does it)."""
    from core.db import get_engine, refresh_statistics

    refresh_statistics(get_engine())
    typer.echo("Statistiken für die Abfrageplanung aktualisiert.")


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
    import time

    from core.db import session_scope
    from demo.switch import DemoRefused, reset_story

    started = time.perf_counter()
    try:
        with session_scope() as session:
            count = reset_story(session)
    except DemoRefused as exc:
        typer.echo(f"{exc} Demodaten werden nicht zurückgesetzt.", err=True)
        raise typer.Exit(2) from exc
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    typer.echo(f"Demodaten zurückgesetzt: {count} Demo-Personen, in {seconds} Sekunden.")


@catalog_app.command("export")
def catalog_export(as_json: bool = typer.Option(True, "--json", help="als JSON-Liste ausgeben (Standard)")) -> None:
    """Print the whole catalogue as a JSON array (the format `oaa catalog import` reads)."""
    import json

    from catalog.store import export_products
    from core.db import session_scope

    with session_scope() as session:
        typer.echo(json.dumps(export_products(session), ensure_ascii=False, indent=2))


@catalog_app.command("search")
def catalog_search(
    query: str = typer.Argument(..., help="Suchbegriff, z. B. „Ummeldung“ oder „§ 18 BMG“"),
    as_json: bool = typer.Option(False, "--json", help="Treffer als JSON-Liste"),
    limit: int = typer.Option(20, "--limit", min=1, max=500),
) -> None:
    """Search the catalogue as the catalogue page does; best hits first."""
    import json

    from catalog.search import SearchIndex
    from catalog.store import load_products
    from core.db import session_scope

    with session_scope() as session:
        index = SearchIndex(load_products(session))
    hits = index.search(query, limit=limit)
    if as_json:
        typer.echo(json.dumps([
            {"id": h.product.id, "name": h.product.name, "group": h.product.group_name,
             "status": h.product.status.value, "score": h.score, "reasons": list(h.reasons)}
            for h in hits
        ], ensure_ascii=False))
        return
    if not hits:
        typer.echo("Keine Treffer." if len(query.strip()) >= 3 else "Bitte mindestens drei Zeichen eingeben.")
    for h in hits:
        typer.echo(f"{h.score:7.2f}  {h.product.name}  [{h.product.group_name}]  – {h.reasons[0]}")


@catalog_app.command("import")
def catalog_import(
    path: str = typer.Argument(..., help="JSON-Datei (wie von `oaa catalog export`) oder Ordner mit TOML-Dateien"),
    dry_run: bool = typer.Option(False, "--dry-run", help="nur prüfen und berichten, nichts ändern"),
) -> None:
    """Replace the catalogue; every problem is reported and nothing changes while any is left."""
    import json
    from pathlib import Path

    from catalog.loader import CatalogError, Problem, read_directory
    from catalog.store import import_catalog, parse_entries
    from core.db import session_scope

    source = Path(path)
    try:
        if source.is_dir():
            products, entries = read_directory(source), None
        else:
            try:
                raw = json.loads(source.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CatalogError([Problem(source.name, "", f"ist keine lesbare JSON-Datei ({exc})")]) from exc
            products, entries = None, parse_entries(raw, source.name)
    except CatalogError as exc:
        for problem in exc.problems:
            typer.echo(f"Fehler: {problem}", err=True)
        typer.echo("Nichts geändert.", err=True)
        raise typer.Exit(2) from exc
    with session_scope() as session:
        report = import_catalog(session, products=products, entries=entries, actor_label="oaa catalog import",
                                dry_run=dry_run)
    for problem in report.problems:
        typer.echo(f"Fehler: {problem}", err=True)
    if report.problems:
        typer.echo(f"{len(report.problems)} Problem(e) gefunden. Nichts geändert.", err=True)
        raise typer.Exit(2)
    typer.echo(("Probelauf: " if dry_run else "") + report.summary())


@outbox_app.command("send")
def outbox_send() -> None:
    """Deliver the due mails of the outbox once (run it regularly, e.g. every minute from a timer)."""
    from core.db import get_engine, session_scope
    from notifications.outbox import count_waiting
    from notifications.sender import SmtpTransport, deliver_due

    transport = SmtpTransport.from_settings()
    if transport is None:
        with session_scope() as session:
            waiting = count_waiting(session)
        typer.echo("Kein SMTP-Server eingerichtet (OAA_SMTP_HOST ist leer): die E-Mails bleiben im Postausgang"
                   f" ({waiting} wartend).")
        return
    report = deliver_due(get_engine(), transport=transport)
    typer.echo(report.summary())


class ExportFormat(StrEnum):
    JSON = "json"
    PDF = "pdf"
    BOTH = "both"


@config_app.command("export")
def config_export(
    municipality: str = typer.Option("", "--municipality", help="nur diese Kommune (AGS, 8 Ziffern)"),
    product: str = typer.Option("", "--product", help="nur dieses Produkt (Produkt-ID, z. B. meldebescheinigung)"),
    out: str = typer.Option(".", "--out", help="Zielordner (wird angelegt)"),
    fmt: ExportFormat = typer.Option(ExportFormat.BOTH, "--format", help="json, pdf oder both"),
    schema: bool = typer.Option(False, "--schema", help="nur das JSON-Schema des Exports ausgeben"),
) -> None:
    """Write the configurations (latest submission, else the draft) as <AGS>_<product-id>.json/.pdf for KISA."""
    import re
    from pathlib import Path

    from core.db import session_scope
    from core.files import reason, write_files
    from questionnaire.export import export_files, find_questionnaires, operator_actor, schema_text

    if schema:
        typer.echo(schema_text())
        return
    if municipality and not re.fullmatch(r"\d{8}", municipality):
        typer.echo(f"„{municipality[:20]}“ ist kein Amtlicher Gemeindeschlüssel (8 Ziffern).", err=True)
        raise typer.Exit(2)
    formats = ("json", "pdf") if fmt == ExportFormat.BOTH else (fmt.value,)
    target = Path(out)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        typer.echo(f"Der Zielordner {target} lässt sich nicht anlegen: {reason(exc)}.", err=True)
        raise typer.Exit(1) from exc
    actor = operator_actor()
    try:
        with session_scope() as session:
            ids = find_questionnaires(session, actor=actor, municipality_ags=municipality or None,
                                      product_id=product or None)
            if not ids:
                filters = ", ".join(f for f in (f"Kommune {municipality}" if municipality else "",
                                                f"Produkt {product}" if product else "") if f)
                typer.echo(f"Keine Konfiguration gefunden{f' ({filters})' if filters else ''}.", err=True)
                raise typer.Exit(1)
            files = export_files(session, actor=actor, questionnaire_ids=ids, formats=formats, with_ags=True)
            # Written inside the transaction: if the disk is full, the export is not recorded as done either.
            write_files(target, files)
    except OSError as exc:
        typer.echo(f"Export abgebrochen: {reason(exc)} ({target.resolve()}). Es wurde keine Datei geschrieben oder "
                   "verändert; bitte schaffen Sie Platz und exportieren Sie erneut.", err=True)
        raise typer.Exit(1) from exc
    noun = "Konfiguration" if len(ids) == 1 else "Konfigurationen"
    count = f"{len(files)} Datei" if len(files) == 1 else f"{len(files)} Dateien"
    typer.echo(f"{len(ids)} {noun} exportiert nach {target.resolve()} ({count}).")


def _user_by_email(session: Session, email: str) -> int:
    """Return the account id for an e-mail address, or stop with a German message."""
    from sqlmodel import select

    from accounts.validation import normalise_email
    from models import User

    address, _problem = normalise_email(email)
    user_id = session.exec(select(User.id).where(User.email == (address or email.strip().lower()))).first()
    if user_id is None:
        typer.echo("Zu dieser E-Mail-Adresse gibt es kein Konto.", err=True)
        raise typer.Exit(1)
    return user_id


@privacy_app.command("export")
def privacy_export(
    email: str = typer.Option(..., "--email", help="E-Mail-Adresse des Kontos"),
    out: str = typer.Option("", "--out", help="in diese Datei schreiben statt auf die Standardausgabe"),
) -> None:
    """Print everything stored about a person as JSON (Auskunft nach Art. 15 DSGVO); recorded in the audit log."""
    import json
    from pathlib import Path

    from core.db import session_scope
    from privacy.export import export_person
    from questionnaire.export import operator_actor

    with session_scope() as session:
        document = export_person(session, actor=operator_actor("oaa privacy export"),
                                 user_id=_user_by_email(session, email))
    content = json.dumps(document, ensure_ascii=False, indent=2)
    if out:
        Path(out).write_text(content + "\n", encoding="utf-8")
        typer.echo(f"Auskunft geschrieben: {Path(out).resolve()}", err=True)
    else:
        typer.echo(content)


@privacy_app.command("erase")
def privacy_erase(
    email: str = typer.Option(..., "--email", help="E-Mail-Adresse des Kontos"),
    reason: str = typer.Option(..., "--reason", help="Grund, z. B. „Antrag nach Art. 17 DSGVO vom 3. März 2026“"),
    yes: bool = typer.Option(False, "--yes", help="ohne Rückfrage löschen"),
) -> None:
    """Anonymise a person (Art. 17 DSGVO): contracts and the audit log stay, name and address are replaced."""
    from core.db import session_scope
    from core.errors import DomainError
    from privacy.erasure import erase_person
    from questionnaire.export import operator_actor

    if not yes and not typer.confirm("Die personenbezogenen Daten werden unwiderruflich ersetzt. Fortfahren?"):
        typer.echo("Nichts geändert.", err=True)
        raise typer.Exit(1)
    try:
        with session_scope() as session:
            report = erase_person(session, actor=operator_actor("oaa privacy erase"),
                                  user_id=_user_by_email(session, email), reason=reason)
    except FieldErrors as exc:
        for message in exc.errors.values():
            typer.echo(message, err=True)
        raise typer.Exit(2) from exc
    except DomainError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(report.summary())


@privacy_app.command("purge")
def privacy_purge(dry_run: bool = typer.Option(False, "--dry-run", help="nur zählen, nichts löschen")) -> None:
    """Apply the retention periods (OAA_RETENTION_*): old sessions, audit events, mail texts, rejected registrations."""
    from core.db import session_scope
    from privacy.retention import purge
    from questionnaire.export import operator_actor

    with session_scope() as session:
        report = purge(session, actor=operator_actor("oaa privacy purge"), dry_run=dry_run)
    typer.echo(report.summary())


@app.command("backup")
def backup_command(
    out: str = typer.Option(..., "--out", help="Zieldatei, z. B. /var/backups/oaa-2026-03-01.sqlite3 oder .dump"),
    force: bool = typer.Option(False, "--force", help="eine vorhandene Datei überschreiben"),
) -> None:
    """Back up the whole database while the shop runs (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."""
    from pathlib import Path

    from core.backup import BackupError, backup
    from core.config import get_settings

    try:
        outcome = backup(get_settings().effective_database_url(), Path(out), force=force)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    size = outcome.path.stat().st_size
    typer.echo(f"Sicherung geschrieben: {outcome.path.resolve()} ({size} Bytes, Schemastand {outcome.revision}).")


@app.command("restore")
def restore_command(
    path: str = typer.Argument(..., help="Datei von `oaa backup`"),
    force: bool = typer.Option(False, "--force", help="auch eine Datenbank mit Konten oder Kommunen überschreiben"),
) -> None:
    """Restore a backup into the configured database (stop the shop first); refuses a database in use unless --force."""
    from pathlib import Path

    from core.backup import BackupError, restore
    from core.config import get_settings
    from core.db import reset_engine_cache

    try:
        outcome = restore(get_settings().effective_database_url(), Path(path), force=force)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    finally:
        reset_engine_cache()
    typer.echo(f"Sicherung wiederhergestellt: {outcome.path.resolve()} (Schemastand {outcome.revision}).")
    for note in outcome.notes():
        typer.echo(note)


def main() -> None:  # pragma: no cover - console entry for `python -m cli.main`
    sys.exit(app())


if __name__ == "__main__":  # pragma: no cover
    main()
