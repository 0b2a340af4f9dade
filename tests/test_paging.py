"""Long lists in pages: page n shows the next entries, "Seite x von y" counts right, a lost page shows the last."""

from core.paging import page_count, page_of


def test_page_two_shows_the_next_entries_and_the_last_page_the_rest():
    entries = [f"Produkt {n}" for n in range(1, 46)]
    first, second, last = (page_of(entries, n, 20) for n in (1, 2, 3))
    assert first.items == entries[:20] and second.items == entries[20:40] and last.items == entries[40:]
    assert second.label == "Seite 2 von 3 (Einträge 21–40 von 45)"
    assert last.label == "Seite 3 von 3 (Einträge 41–45 von 45)"


def test_a_page_that_no_longer_exists_shows_the_nearest_one():
    entries = list(range(45))
    assert page_of(entries, 9, 20).number == 3  # e.g. after a filter made the list shorter
    assert page_of(entries, 0, 20).number == 1
    assert page_of([], 4, 20).label == "Seite 1 von 1 (keine Einträge)"
    assert [page_count(n, 20) for n in (0, 1, 20, 21)] == [1, 1, 1, 2]
