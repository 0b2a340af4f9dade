import pytest

from municipalities.keys import ars_error, derive_ars, leitweg_id_error


@pytest.mark.parametrize(
    ("ags", "ars"),
    [
        ("14612000", "146120000000"),  # Dresden, kreisfreie Stadt
        ("14713000", "147130000000"),  # Leipzig
        ("14523010", "145230010010"),  # Adorf/Vogtl.: proposal for a municipality outside a Verband
    ],
)
def test_ars_is_derived_from_the_ags(ags, ars):
    assert derive_ars(ags) == ars
    assert ars_error(ars, ags) is None


def test_ars_of_another_district_is_refused_with_a_german_reason():
    assert "passt nicht" in ars_error("145220010010", "14523010")
    assert "12 Ziffern" in ars_error("1452300", "14523010")


@pytest.mark.parametrize("value", ["04011000-1234512345-06", "991-33333TEST-33", "14612000-47"])
def test_wellformed_leitweg_ids_pass(value):
    assert leitweg_id_error(value) is None


@pytest.mark.parametrize(
    ("value", "words"),
    [("04011000-1234512345-07", "Prüfziffer"), ("Leitweg", "Form"), ("1-2-3-4", "Form"), ("", "Form")],
)
def test_malformed_leitweg_ids_get_a_german_message(value, words):
    assert words in leitweg_id_error(value)
