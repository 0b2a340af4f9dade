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
    # Public address of the shop, for links in e-mails.
    app_base_url: str = "http://127.0.0.1:8501"
    # KISA's team mailbox: told about every submitted configuration (empty: no notice). Set it in production.
    kisa_mailbox: str = "antragsmanagement@kisa.example"

    def effective_database_url(self) -> str:
        """Return the SQLAlchemy URL: the configured one, else the SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (tests clear the cache to change them)."""
    return Settings()
