"""Break plain text into lines exactly where fpdf2's ``multi_cell`` breaks it, in one pass.

fpdf2 (``fpdf.line_break.MultiLineBreak``) re-measures the whole line for every character it adds, so a line of n
characters costs n² width lookups; a contract with 150 table rows spent most of its time there. This module keeps a
running sum of the integer glyph widths instead and follows the same rules, so the lines (and the PDF bytes) are the
same: break at the last space, drop the space that overflows, CHAR wrapping cuts anywhere and trims trailing spaces,
a word too long for the line is cut, a no-break space counts as a space but is no break point, "\\n" ends a line.
Only what the documents use is handled: one font, no markdown, no soft hyphens (callers fall back to fpdf2 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fpdf.enums import Align, WrapMode
from fpdf.errors import FPDFException
from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, NBSP, NEWLINE, SPACE

TOLERANCE = 1e-9  # fpdf.util.FloatTolerance


@dataclass(frozen=True)
class BrokenLine:
    """One line: its characters as fpdf2 stores them (no-break spaces become spaces) and how fpdf2 renders it."""

    text: str
    started: bool  # fpdf2 keeps an (empty) text fragment once a character was added to the line
    width_units: int  # sum of the glyph widths (font units, 1/1000 em)
    spaces: int  # word spaces fpdf2 counts for justified lines
    align: Align
    trailing_nl: bool = False


def break_lines(text: str, width_of: Callable[[int], float], char_units: Callable[[str], int], max_width: float,
                align: Align, wrapmode: WrapMode) -> list[BrokenLine]:
    """Return the lines fpdf2 would make of ``text`` within ``max_width`` (already without the cell margins).

    ``char_units`` gives a character's width in font units, ``width_of`` turns a sum of units into document units
    with fpdf2's own float arithmetic, so both sides of every comparison are the same numbers fpdf2 compares.
    """
    last_align = Align.L if align == Align.J else align
    lines: list[BrokenLine] = []
    pos, end = 0, len(text)
    forced_at: int | None = None
    while pos < end:
        stored: list[str] = []
        units = 0
        spaces = 0
        hint: tuple[int, int, int, int] | None = None  # (text position, stored length, units, spaces) at the last space
        previous_forced, forced_at = forced_at, None
        line: BrokenLine | None = None
        while pos < end:
            char = text[pos]
            if char == NEWLINE:
                pos += 1
                line = BrokenLine("".join(stored), bool(stored), units, spaces, last_align, trailing_nl=True)
                break
            char_width = width_of(char_units(char))
            if width_of(units) + char_width - max_width > TOLERANCE:
                if char in BREAKING_SPACE_SYMBOLS_STR:
                    pos += 1
                    line = BrokenLine("".join(stored), True, units, spaces, align)
                elif wrapmode == WrapMode.CHAR:
                    while stored and stored[-1] == SPACE:
                        stored.pop()
                        units -= char_units(SPACE)
                    line = BrokenLine("".join(stored), bool(stored), units, spaces, align)
                elif hint is not None:
                    pos, kept, units, spaces = hint
                    pos += 1
                    line = BrokenLine("".join(stored[:kept]), True, units, spaces, align)
                else:
                    if previous_forced == pos:
                        raise FPDFException("Not enough horizontal space to render a single character")  # as fpdf2
                    forced_at = pos
                    line = BrokenLine("".join(stored), True, units, spaces, last_align)
                break
            if char in BREAKING_SPACE_SYMBOLS_STR:
                hint = (pos, len(stored), units, spaces)
                spaces += 1
            elif char == NBSP:
                char = SPACE
                spaces += 1
            stored.append(char)
            units += char_units(char)
            pos += 1
        if line is None:  # the text ended inside this line
            if stored and width_of(units):
                line = BrokenLine("".join(stored), True, units, spaces, last_align)
            else:
                break
        lines.append(line)
    return lines
