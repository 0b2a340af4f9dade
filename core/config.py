"""Application settings, read from the environment (prefix ``OAA_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All knobs an operator may turn; secrets come only from the environment."""

    model_config = SettingsConfigDict(env_prefix="OAA_", env_file=".env", extra="ignore")

    # Database: SQLite file under var/ by default, PostgreSQL when a URL points to one.
    database_url: str = Field(default="")
    sqlite_path: Path = PROJECT_ROOT / "var" / "oaa-shop.sqlite3"
    sqlite_busy_timeout_ms: int = 15_000
    # PostgreSQL: give up connecting after this many seconds (a server that does not answer must not hang pages).
    database_connect_timeout_seconds: int = Field(default=10, ge=1)

    # Demo mode: demo personas and sample data (the default for `make run`).
    demo: bool = False

    # Accounts and sessions.
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    invitation_valid_days: int = 7
    # Sensitive actions (placing an order, the acceptance, confirming live, publishing a release, ending a contract)
    # ask for the password again when the last password check of the session is older than this; 0 = always.
    reauth_minutes: int = Field(default=10, ge=0)
    # Login: "local" (e-mail and password, the default) or "oidc" (single sign-on through Streamlit's st.login,
    # configured in .streamlit/secrets.toml [auth]); with "oidc", local accounts stay usable unless auth_local=false.
    auth_mode: Literal["local", "oidc"] = "local"
    auth_local: bool = True
    # Provider names of st.login: "" = the [auth] section itself, else [auth.<name>]. The re-authentication
    # provider should force a fresh login at the identity provider (client_kwargs prompt="login", max_age=0).
    oidc_provider: str = ""
    oidc_reauth_provider: str = ""
    # Secure flag of the session cookie: None = only when the request came over https.
    cookie_secure: bool | None = None

    # Argon2 parameters (argon2-cffi defaults follow RFC 9106's low-memory profile).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65_536
    argon2_parallelism: int = 4

    # E-mail: an empty SMTP host means no delivery (mail waits in the outbox, visible in the Postausgang).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "KISA OAA-Shop <oaa-shop@localhost>"  # also gives the Message-ID domain
    mail_max_attempts: int = Field(default=5, ge=1)  # then the mail is FAILED
    mail_sending_timeout_minutes: int = 15  # a mail in 'sending' this long is "unklar" (never resent)
    # Several app servers behind one proxy: a name for this process, sent as the X-OAA-Node response header so the
    # operator (and the several-servers test) sees which process answered; empty = no header.
    node_name: str = ""

    # Public address of the shop, for links in e-mails.
    app_base_url: str = "http://127.0.0.1:8501"
    # KISA's team mailbox: told about every submitted configuration (empty: no notice). Set it in production.
    kisa_mailbox: str = "antragsmanagement@kisa.example"

    # Data protection: retention periods in days, applied by `oaa privacy purge` (run it daily); 0 switches a rule
    # off. See docs/data-protection.md.
    retention_session_days: int = Field(default=30, ge=0)  # web sessions, counted from their end
    retention_audit_days: int = Field(default=1095, ge=0)  # audit events (3 years)
    retention_mail_body_days: int = Field(default=90, ge=0)  # texts of sent or failed mails (the row stays)
    retention_rejected_registration_days: int = Field(default=180, ge=0)  # rejected registrations are anonymised

    @property
    def local_login_enabled(self) -> bool:
        """Tell whether e-mail and password log in (always in "local" mode; in "oidc" mode unless switched off)."""
        return self.auth_mode == "local" or self.auth_local

    @property
    def sso_enabled(self) -> bool:
        """Tell whether single sign-on through st.login is offered."""
        return self.auth_mode == "oidc"

    def effective_database_url(self) -> str:
        """Return the SQLAlchemy URL: the configured one, else the SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (tests clear the cache to change them)."""
    return Settings()
