"""Fast text layout for the documents: fpdf2's ``multi_cell`` with one-pass line breaking, same lines, same bytes.

fpdf2's ``MultiLineBreak`` re-measures the whole line for every character it adds, which made line breaking 60–70 %
of every document's rendering time. :class:`FastTextPDF` breaks plain text with :mod:`documents.linebreak` and then
draws the lines with fpdf2's own line renderer, following ``FPDF.multi_cell`` of fpdf2 2.8 step by step (which is
why pyproject.toml pins fpdf2 to 2.8); tests/test_documents_layout.py renders texts both ways and compares the bytes.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.line_break import FORM_FEED, SOFT_HYPHEN, Fragment, TextLine
from fpdf.util import Padding

from documents.linebreak import BrokenLine, break_lines

_MEASURED_X = (XPos.LEFT, XPos.RIGHT, XPos.LMARGIN)  # where measuring without drawing can move x like drawing does
_MEASURED_Y = (YPos.TOP, YPos.NEXT, YPos.LAST)


class FastTextPDF(FPDF):
    """An FPDF whose ``multi_cell`` breaks plain text in one pass; everything else is fpdf2's."""

    fast_text = True  # False: every multi_cell goes through fpdf2's own line breaking (tests compare both)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._broken_lines: dict[tuple[str, str, float, float, Align, WrapMode], list[BrokenLine]] = {}

    def multi_cell(
        self,
        w: float,
        h: float | None = None,
        text: str = "",
        border: Literal[0, 1] | str = 0,
        align: str | Align = Align.J,
        fill: bool = False,
        split_only: bool = False,
        link: int | str | None = None,
        ln: Literal["DEPRECATED"] = "DEPRECATED",
        max_line_height: float | None = None,
        markdown: bool = False,
        print_sh: bool = False,
        new_x: str | XPos = XPos.RIGHT,
        new_y: str | YPos = YPos.NEXT,
        wrapmode: WrapMode = WrapMode.WORD,
        dry_run: bool = False,
        output: str | MethodReturnValue = MethodReturnValue.PAGE_BREAK,
        center: bool = False,
        padding: int | Sequence[int] | Padding = 0,
    ) -> FPDF.MultiCellResult:
        """fpdf2's ``multi_cell`` with the line breaking done in one pass (:mod:`documents.linebreak`).

        Same arguments, same lines, same PDF bytes; anything the fast path does not cover (markdown, borders, fill,
        soft hyphens, centring, ...) goes to fpdf2 unchanged. fpdf2's tables call this too, cell by cell.
        """
        align = Align.coerce(align)
        if not self._fast_path_fits(text, border, fill, split_only, link, ln, markdown, print_sh, center, align):
            return super().multi_cell(
                w=w, h=h, text=text, border=border, align=align, fill=fill, split_only=split_only, link=link, ln=ln,
                max_line_height=max_line_height, markdown=markdown, print_sh=print_sh, new_x=new_x, new_y=new_y,
                wrapmode=wrapmode, dry_run=dry_run, output=output, center=center, padding=padding)
        to_x, to_y, pad = XPos.coerce(new_x), YPos.coerce(new_y), Padding.new(padding)
        args = (w, h, text, align, max_line_height, to_x, to_y, WrapMode.coerce(wrapmode), MethodReturnValue.coerce(output),
                pad)
        measurable = w - pad.left - pad.right > 0 and to_x in _MEASURED_X and to_y in _MEASURED_Y
        if dry_run:
            with self._disable_writing():
                return self._fast_multi_cell(*args, measuring=measurable)
        # fpdf2 tables measure all cells with writing switched off (FPDF._disable_writing) before drawing them
        return self._fast_multi_cell(*args, measuring=measurable and not isinstance(self._out, types.MethodType))

    def _fast_path_fits(self, text: str, border: object, fill: bool, split_only: bool, link: object, ln: str,
                        markdown: bool, print_sh: bool, center: bool, align: Align) -> bool:
        return (self.fast_text and self.page > 0 and not (border or fill or split_only or markdown or print_sh or center)
                and link is None and ln == "DEPRECATED" and align != Align.X
                and isinstance(self.current_font, TTFFont) and not self.current_font.is_symbol
                and not self.text_shaping and not self._fallback_font_ids
                and self.char_spacing == 0 and self.font_stretching == 100
                and SOFT_HYPHEN not in text and FORM_FEED not in text
                and not (self.str_alias_nb_pages and self.str_alias_nb_pages in text))

    @contextmanager
    def measuring(self) -> Iterator[None]:
        """Within this block nothing is printed; position and page are restored afterwards (fpdf2's dry run)."""
        with self._disable_writing():
            yield

    def broken_lines(self, text: str, width: float, padding: Padding, align: Align, wrapmode: WrapMode) -> list[BrokenLine]:
        """Return the lines of ``text`` in the current font in a cell ``width`` mm wide inside ``padding``.

        Remembered per document: fpdf2 tables and :func:`documents.tables.data_table` measure a cell, then print it.
        """
        font = self.current_font
        assert isinstance(font, TTFFont)
        max_width = width
        if not padding.left:  # without padding fpdf2 keeps the cell margin clear on that side
            max_width -= float(self.c_margin)
        if not padding.right:
            max_width -= float(self.c_margin)
        size_pt, k, widths = self.font_size_pt, self.k, font.cw
        font.biggest_size_pt = max(font.biggest_size_pt, size_pt)
        key = (text, font.fontkey, size_pt, max_width, align, wrapmode)
        broken = self._broken_lines.get(key)
        if broken is None:
            broken = break_lines(text.replace("\r", ""), lambda units: units * size_pt * 0.001 / k,
                                 lambda char: int(widths[ord(char)]), max_width, align, wrapmode)
            self._broken_lines[key] = broken
        return broken

    def _fast_multi_cell(self, w: float, h: float | None, text: str, align: Align, max_line_height: float | None,
                         new_x: XPos, new_y: YPos, wrapmode: WrapMode, output: MethodReturnValue,
                         padding: Padding, *, measuring: bool) -> FPDF.MultiCellResult:
        # The steps and their order follow FPDF.multi_cell (fpdf2 2.8) for the arguments the fast path accepts.
        # ``measuring`` (dry_run: fpdf2 tables measure every cell before drawing it) skips drawing the lines but takes
        # the same page breaks and picks the same glyphs in the same order, so the font subset stays identical.
        font = self.current_font
        assert isinstance(font, TTFFont)
        if h is None:
            h = self.font_size
        if w == 0:
            w = self.w - self.r_margin - self.x
        prev_y = self.y
        w = w - padding.right - padding.left
        broken = self.broken_lines(text, w, padding, align, wrapmode)
        self.x += padding.left
        self.y += padding.top

        size_pt, k = self.font_size_pt, self.k
        state = self._get_current_graphics_state() if broken else None
        lines = [
            TextLine([Fragment(line.text, state, k)] if line.started and state is not None else [],
                     text_width=line.width_units * size_pt * 0.001 / k, number_of_spaces=line.spaces, align=line.align,
                     height=self.font_size, max_width=w, trailing_nl=line.trailing_nl)
            for line in broken
        ] or [TextLine([], text_width=0, number_of_spaces=0, align=align, height=h, max_width=w, trailing_nl=False)]

        line_height = h if max_line_height is None or len(lines) == 1 else min(h, max_line_height)
        page_break_triggered = False
        total_height: float = 0
        for index, line in enumerate(lines):
            if self._perform_page_break_if_need_be(h + padding.bottom):
                page_break_triggered = True
                self.y += padding.top
            last = index == len(lines) - 1
            if measuring:
                for char in line.fragments[0].characters if line.fragments else ():
                    font.subset.pick(ord(char))
                self._lasth = line_height or self.font_size
                if not last or new_y == YPos.NEXT:
                    self.y += line_height
                if last and new_x == XPos.RIGHT:
                    self.x += w
                elif last and new_x == XPos.LMARGIN:
                    self.x = self.l_margin
            else:
                self._render_styled_text_line(line, h=line_height, new_x=new_x if last else XPos.LEFT,
                                              new_y=new_y if last else YPos.NEXT, border=0, fill=False, link=None,
                                              padding=Padding(0, padding.right, 0, padding.left))
            total_height += line_height
        if total_height < h:
            if new_y == YPos.NEXT:
                self.y += h - total_height
            total_height = h
        if page_break_triggered and new_y == YPos.TOP:
            prev_y = self.y
        if lines[-1].trailing_nl and new_y in (YPos.LAST, YPos.NEXT):
            self.ln()
        if new_y == YPos.TOP:
            self.y = prev_y
        elif new_y == YPos.NEXT:
            self.y += padding.bottom
        if new_x == XPos.RIGHT:
            self.x += padding.right
        elif new_x == XPos.LEFT:
            self.x -= padding.left

        result: tuple[bool | list[str] | float, ...] = ()
        if output & MethodReturnValue.PAGE_BREAK:
            result += (page_break_triggered,)
        if output & MethodReturnValue.LINES:
            result += (self._join_text_lines(lines),)
        if output & MethodReturnValue.HEIGHT:
            result += (total_height + padding.top + padding.bottom,)
        return result[0] if len(result) == 1 else result  # type: ignore[return-value]
