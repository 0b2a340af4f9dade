"""What a fresh installation needs to take orders: the model contract and the known funding programme."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from models import FundingProgramme, ModelContract

# From the KISA workshop deck: set-up, licences and maintenance funded 100 % by the Free State of Saxony
# from 01.07.2022, secured until 31.12.2024. KISA maintains further programmes in the data.
STATE_FUNDING = FundingProgramme(
    name="Förderung durch den Freistaat Sachsen",
    description="Einrichtung, Lizenzen und Pflege der Amt24-OAAs zu 100 % vom Freistaat Sachsen finanziert.",
    setup_percent=100, licence_percent=100, valid_from=date(2022, 7, 1), valid_to=date(2024, 12, 31),
)

SAMPLE_CONTRACT_FILE = Path(__file__).resolve().parent / "data" / "mustervertrag-beispiel.txt"


def ensure_defaults(session: Session) -> list[str]:
    """Create the sample model contract and the state funding programme if none exist; say what was created."""
    created = []
    if session.exec(select(ModelContract.id)).first() is None:
        session.add(ModelContract(
            version="2022-1",
            title="Mustervertrag über die Bereitstellung von Amt24-Online-Antragsassistenten (Beispieltext)",
            body=SAMPLE_CONTRACT_FILE.read_text(encoding="utf-8").strip(),
            valid_from=date(2022, 7, 1),
        ))
        created.append("Mustervertrag 2022-1 (Beispieltext)")
    if session.exec(select(FundingProgramme.id)).first() is None:
        session.add(FundingProgramme.model_validate(STATE_FUNDING.model_dump(exclude={"id"})))
        created.append("Förderprogramm des Freistaats Sachsen (01.07.2022–31.12.2024)")
    session.flush()
    return created
