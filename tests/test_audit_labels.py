from audit.labels import ACTIONS, action_label, entity_label


def test_every_action_the_code_records_has_a_german_label():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1]
    recorded = set()
    for path in root.glob("*/*.py"):
        if path.parts[-2] in {"tests", ".venv", "migrations", "bench"}:
            continue
        recorded |= set(re.findall(r'action="([a-z_.]+)"', path.read_text(encoding="utf-8")))
        recorded |= set(re.findall(r'action="([a-z_.]+)" if', path.read_text(encoding="utf-8")))
        recorded |= set(re.findall(r'else "([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert recorded, "no audit actions found"
    assert recorded <= set(ACTIONS), recorded - set(ACTIONS)


def test_unknown_codes_fall_back_to_the_code():
    assert action_label("registration.approved") == "Registrierung freigeschaltet"
    assert action_label("neu.unbekannt") == "neu.unbekannt"
    assert entity_label("user", "7") == "Konto 7"
