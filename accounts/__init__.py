"""Accounts: registration, Freischaltung, login with lockout, web sessions, colleagues, tenant scoping."""
