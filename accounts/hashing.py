"""Secrets handed to browsers (session tokens, bind codes, invitation links): made here, stored only as hashes."""

from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    """Return the SHA-256 hex digest under which a secret is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
