"""The picker for a Verwaltungsgemeinschaft's members offers the municipalities of the own district."""

from municipalities.reference import in_district, read_csv


def test_the_district_of_a_municipality_holds_its_neighbours_and_nobody_else():
    rows = read_csv()
    riesa = next(r for r in rows if r.name.startswith("Riesa"))
    district = in_district(rows, riesa.ags)
    assert riesa in district and all(r.kreis == riesa.kreis for r in district)
    assert 10 < len(district) < len(rows) // 5  # a Landkreis, not all of Saxony
    assert len([r for r in rows if r.kreis == riesa.kreis]) == len(district)
    assert in_district(rows, "99999000") == []  # an unknown district: nothing
