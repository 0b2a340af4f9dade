"""Official keys: Amtlicher Gemeindeschlüssel, Amtlicher Regionalschlüssel, Leitweg-ID."""

from __future__ import annotations

import re

_AGS = re.compile(r"^\d{8}$")
_ARS = re.compile(r"^\d{12}$")
_LEITWEG = re.compile(r"^(?P<grob>\d{2,12})(?:-(?P<fein>[A-Za-z0-9]{1,30}))?-(?P<pruef>\d{2})$")


def is_ags(value: str) -> bool:
    """Tell whether ``value`` has the shape of an 8-digit AGS."""
    return bool(_AGS.match(value))


def derive_ars(ags: str) -> str:
    """Propose the 12-digit ARS for an AGS.

    The ARS inserts a 4-digit Gemeindeverband key between district (5 digits) and municipality
    (3 digits). A kreisfreie Stadt (municipality part ``000``) has ``0000``; a municipality outside
    any Verwaltungsgemeinschaft/Verwaltungsverband has ``0`` + its own 3 digits. Members of a
    Verwaltungsgemeinschaft have another key which the AGS does not contain: the user corrects it.
    """
    if not is_ags(ags):
        raise ValueError("Der Amtliche Gemeindeschlüssel hat 8 Ziffern.")
    district, muni = ags[:5], ags[5:]
    verband = "0000" if muni == "000" else "0" + muni
    return district + verband + muni


def ars_error(ars: str, ags: str) -> str | None:
    """Return a German message if ``ars`` is not a valid ARS for ``ags``, else ``None``."""
    if not _ARS.match(ars):
        return "Der Amtliche Regionalschlüssel besteht aus genau 12 Ziffern."
    if is_ags(ags) and (ars[:5] != ags[:5] or ars[9:] != ags[5:]):
        return (
            "Der Regionalschlüssel passt nicht zum Gemeindeschlüssel: die ersten 5 und die letzten "
            f"3 Ziffern müssen {ags[:5]} … {ags[5:]} lauten."
        )
    return None


def _mod97(text: str) -> int:
    digits = "".join(str(int(ch, 36)) if ch.isalpha() else ch for ch in text.upper())
    return int(digits) % 97


def leitweg_id_error(value: str) -> str | None:
    """Return a German message if ``value`` is not a well-formed Leitweg-ID, else ``None``.

    Format per KoSIT: Grobadressierung (2–12 digits), optional Feinadressierung (up to 30 letters or
    digits), Prüfziffer (2 digits, ISO 7064 Mod 97-10 over the whole ID as for IBANs).
    """
    match = _LEITWEG.match(value)
    if not match:
        return (
            "Die Leitweg-ID hat die Form „Grobadressierung-Feinadressierung-Prüfziffer“, "
            "z. B. 04011000-1234512345-06."
        )
    if _mod97(value.replace("-", "")) != 1:
        return "Die Prüfziffer der Leitweg-ID stimmt nicht. Bitte prüfen Sie die Eingabe."
    return None
