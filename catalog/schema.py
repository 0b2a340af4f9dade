"""What a catalogue product is: pydantic models that validate every data file on load."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator

from core.text import clean_free_text

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=3, max_length=80)]
LeikaKey = Annotated[str, StringConstraints(pattern=r"^\d{14}$")]


def _one_line(value: object) -> object:
    return clean_free_text(value, multiline=False) if isinstance(value, str) else value


def _paragraphs(value: object) -> object:
    return clean_free_text(value, multiline=True) if isinstance(value, str) else value


# Text typed by KISA is cleaned like every free text (no control or direction characters) and bounded.
Line = Annotated[str, BeforeValidator(_one_line), StringConstraints(max_length=300)]
NonEmpty = Annotated[str, BeforeValidator(_one_line), StringConstraints(min_length=1, max_length=300)]
Paragraphs = Annotated[str, BeforeValidator(_paragraphs), StringConstraints(max_length=2000)]


class AktenplanGroup(StrEnum):
    """Main groups (Hauptgruppen) of the Saxon municipal file plan (Aktenplan)."""

    ALLGEMEINE_VERWALTUNG = "0"  # Allgemeine Verwaltung
    SICHERHEIT_ORDNUNG = "1"  # Öffentliche Sicherheit und Ordnung
    SCHULEN = "2"  # Schulen
    WISSENSCHAFT_KULTUR = "3"  # Wissenschaft und Kultur
    SOZIALES = "4"  # Soziales
    GESUNDHEIT_SPORT = "5"  # Gesundheit, Sport, Erholung
    BAUWESEN = "6"  # Bauwesen
    OEFFENTLICHE_EINRICHTUNGEN = "7"  # Öffentliche Einrichtungen, Wirtschaftsunternehmen
    WIRTSCHAFT_VERKEHR = "8"  # Wirtschaft und Verkehr
    FINANZEN = "9"  # Finanzen


GROUP_NAMES: dict[AktenplanGroup, str] = {
    AktenplanGroup.ALLGEMEINE_VERWALTUNG: "Allgemeine Verwaltung",
    AktenplanGroup.SICHERHEIT_ORDNUNG: "Öffentliche Sicherheit und Ordnung",
    AktenplanGroup.SCHULEN: "Schulen",
    AktenplanGroup.WISSENSCHAFT_KULTUR: "Wissenschaft und Kultur",
    AktenplanGroup.SOZIALES: "Soziales",
    AktenplanGroup.GESUNDHEIT_SPORT: "Gesundheit, Sport, Erholung",
    AktenplanGroup.BAUWESEN: "Bauwesen",
    AktenplanGroup.OEFFENTLICHE_EINRICHTUNGEN: "Öffentliche Einrichtungen, Wirtschaftsunternehmen",
    AktenplanGroup.WIRTSCHAFT_VERKEHR: "Wirtschaft und Verkehr",
    AktenplanGroup.FINANZEN: "Finanzen",
}


class ProductStatus(StrEnum):
    VERFUEGBAR = "verfügbar"  # can be ordered and set up now
    GEPLANT = "geplant"  # announced; may be noted but not yet set up
    EINGESTELLT = "eingestellt"  # retired by KISA; stays for existing orders, hidden from new ones


class Manufacturer(StrEnum):
    KOMM24 = "KOMM24"
    SAECHSISCH_DIREKT = "Sächsisch Direkt"
    EFA = "EfA-Dienst"  # "Einer für Alle" service of another state, offered through Amt24
    KISA = "KISA"


class DataDelivery(StrEnum):
    TRANSFERVERZEICHNIS = "transferverzeichnis"  # XML file into the municipality's transfer directory (KDN)
    FACHVERFAHREN = "fachverfahren"  # direct hand-over through a Fachverfahren interface (e.g. XPersonenstand)
    EMAIL = "email"  # notification with the application as PDF


DELIVERY_NAMES: dict[DataDelivery, str] = {
    DataDelivery.TRANSFERVERZEICHNIS: "Transferverzeichnis (KDN)",
    DataDelivery.FACHVERFAHREN: "Schnittstelle zum Fachverfahren",
    DataDelivery.EMAIL: "E-Mail mit PDF",
}

FieldType = Literal["text", "langtext", "datum", "zahl", "betrag", "ja_nein", "auswahl", "email", "telefon", "datei"]


class OutputField(BaseModel):
    """One field of the application data the OAA hands over (Ausgabedaten)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]  # XML element name
    label: NonEmpty
    type: FieldType
    required: bool = False
    description: Paragraphs = ""


class ConfigField(BaseModel):
    """A product-specific setting the municipality fills in the configuration questionnaire."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
    label: NonEmpty
    type: Literal["text", "langtext", "zahl", "betrag", "ja_nein", "auswahl", "email", "url"]
    required: bool = False
    help: Paragraphs = ""
    options: list[Line] = Field(default_factory=list)
    default: Line | None = None

    @model_validator(mode="after")
    def _choice_has_options(self) -> ConfigField:
        if self.type == "auswahl" and len(self.options) < 2:
            raise ValueError("ein Auswahlfeld braucht mindestens zwei Optionen (options)")
        return self


class PriceTerms(BaseModel):
    """Price hints in euro cents; invented figures are marked as sample data."""

    model_config = ConfigDict(extra="forbid")

    setup_cents: int = Field(ge=0)  # one-off set-up (Einrichtung)
    yearly_licence_cents: int = Field(ge=0)  # licence and maintenance per year
    note: Annotated[str, BeforeValidator(_paragraphs), StringConstraints(max_length=1000)] = ""  # OrderLine.price_note
    sample: bool = True  # True: Beispielpreis, not a real tariff


class Release(BaseModel):
    """A published version of the OAA with its notes."""

    model_config = ConfigDict(extra="forbid")

    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]
    date: date
    notes: Annotated[str, BeforeValidator(_paragraphs), StringConstraints(min_length=1, max_length=4000)]
    requires_config_review: bool = False


class Product(BaseModel):
    """One online application assistant (OAA) of the catalogue."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    id: Slug
    name: NonEmpty
    short_description: Annotated[str, BeforeValidator(_paragraphs), StringConstraints(min_length=10, max_length=300)]
    description: Annotated[str, BeforeValidator(_paragraphs), StringConstraints(min_length=20, max_length=10_000)]
    group: AktenplanGroup
    manufacturer: Manufacturer
    status: ProductStatus
    legal_basis: list[NonEmpty] = Field(min_length=1)
    leika_keys: list[LeikaKey] = Field(min_length=1)
    life_situations: list[NonEmpty] = Field(default_factory=list)
    synonyms: list[NonEmpty] = Field(default_factory=list)
    fachverfahren: list[NonEmpty] = Field(default_factory=list)
    data_delivery: list[DataDelivery] = Field(min_length=1)
    output_fields: list[OutputField] = Field(min_length=1)
    sample_data: dict[str, Annotated[str, BeforeValidator(_one_line), StringConstraints(max_length=1000)] | int | float | bool]
    config_fields: list[ConfigField] = Field(default_factory=list)
    prices: PriceTerms
    releases: list[Release] = Field(default_factory=list)

    @field_validator("leika_keys")
    @classmethod
    def _unique_keys(cls, keys: list[str]) -> list[str]:
        if len(set(keys)) != len(keys):
            raise ValueError("LeiKa-Schlüssel doppelt angegeben")
        return keys

    @model_validator(mode="after")
    def _consistent(self) -> Product:
        names = [f.name for f in self.output_fields]
        if len(set(names)) != len(names):
            raise ValueError("Ausgabedaten: Feldname doppelt")
        unknown = set(self.sample_data) - set(names)
        if unknown:
            raise ValueError(f"Musterdaten enthalten Felder, die nicht in den Ausgabedaten stehen: {sorted(unknown)}")
        missing = [f.name for f in self.output_fields if f.required and f.name not in self.sample_data]
        if missing:
            raise ValueError(f"Musterdaten fehlen für Pflichtfelder: {missing}")
        keys = [c.key for c in self.config_fields]
        if len(set(keys)) != len(keys):
            raise ValueError("Konfigurationsfelder: Schlüssel doppelt")
        return self

    @property
    def group_name(self) -> str:
        """Return the German name of the Aktenplan group."""
        return GROUP_NAMES[self.group]

    @property
    def search_words(self) -> str:
        """Return all text a search may match, for indexing."""
        parts = [self.name, self.short_description, self.description, *self.legal_basis, *self.leika_keys,
                 *self.life_situations, *self.synonyms, *self.fachverfahren]
        return " ".join(parts)


def slugify(text: str) -> str:
    """Make a product id from a German name (ä→ae, ß→ss, lower case, hyphens)."""
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")[:80]
