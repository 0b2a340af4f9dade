"""The page frame every PDF of the shop shares: A4, DejaVu fonts, running header, "Seite n von N", text helpers."""

from __future__ import annotations

from datetime import datetime

from fpdf.enums import Align, WrapMode, XPos, YPos

from documents.fasttext import FastTextPDF
from documents.fontcache import FONT, fresh_fonts
from documents.plain import clip

# Placeholder for the page count. It uses private-use characters, which plain() removes from user text, so a
# product called "{nb}" is printed as written instead of being replaced by the number of pages.
PAGE_COUNT_ALIAS = "\ue000\ue000\ue000"
LONG_WORD = 12  # words at least this long are measured to decide whether a paragraph needs character wrapping


class DocumentPDF(FastTextPDF):
    """A4 portrait with the document title left and ``right_header`` right on top, page numbers at the bottom."""

    def __init__(self, title: str, right_header: str, *, title_extra: float = 0) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document_title = title
        self.right_header = right_header
        self.title_extra = title_extra  # mm the title takes beyond half the width
        self.fonts.update(fresh_fonts())  # parsed once per process instead of add_font per document
        self.set_margins(left=20, top=22, right=20)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages(PAGE_COUNT_ALIAS)
        self.c_margin = 1.2

    def begin(self, created: datetime, title: str) -> None:
        """Set the metadata every document carries (``created`` also makes the bytes reproducible) and open page 1."""
        self.set_creation_date(created)
        self.set_title(title)
        self.set_author("KISA – OAA-Shop")
        self.set_creator("OAA-Shop")
        self.set_lang("de-DE")
        self.add_page()

    def sample_banner(self, text: str) -> None:
        """Print a yellow note that the document holds sample data (Beispieldaten)."""
        self.ln(2)
        self.set_fill_color(255, 243, 205)
        self.set_font(FONT, "B", 9)
        self.multi_cell(0, 5, text, fill=True, padding=(2, 2), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_fill_color(255)

    def header(self) -> None:
        self.set_y(10)
        self.set_font(FONT, "B", 8.5)
        self.set_text_color(60)
        left = self.epw / 2 + self.title_extra
        right_width = self.epw - left
        self.cell(left, 5, self.document_title)
        self.set_font(FONT, "", 8.5)
        right = self.right_header
        while len(right) > 1 and self.get_string_width(right) > right_width - 4:  # never into the title
            right = clip(right, len(right) - 1)
        self.right_header = right
        self.cell(right_width, 5, right, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(150)
        self.set_line_width(0.2)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"Seite {self.page_no()} von {PAGE_COUNT_ALIAS}", align=Align.C)
        self.set_text_color(0)

    def wrapmode_for(self, text: str, width: float) -> WrapMode:
        """Return CHAR wrapping if a single word is wider than ``width`` (so it is broken, not overflowing), else WORD."""
        for word in text.split():
            if len(word) >= LONG_WORD and self.get_string_width(word) > width - 2 * self.c_margin:
                return WrapMode.CHAR
        return WrapMode.WORD

    def text_block(self, text: str, *, size: float = 9.5, bold: bool = False, height: float = 4.8,
                   width: float = 0, align: Align = Align.L, grey: bool = False) -> None:
        """Print already-cleaned plain text, wrapped to ``width`` (0 = to the right margin)."""
        self.set_font(FONT, "B" if bold else "", size)
        if grey:
            self.set_text_color(80)
        effective = width or (self.w - self.r_margin - self.get_x())
        self.multi_cell(width, height, text, align=align, wrapmode=self.wrapmode_for(text, effective),
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)

    def section(self, title: str, keep: float = 22) -> None:
        """Start a section; it moves to the next page unless ``keep`` mm of content fit below the heading."""
        if self.will_page_break(keep + 12):
            self.add_page()
        self.ln(4)
        self.set_font(FONT, "B", 11)
        self.cell(0, 6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
