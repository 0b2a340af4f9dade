"""The tables every document of the shop prints, in one style: data tables with a repeated heading, label/value lists.

:func:`data_table` draws what ``FPDF.table`` drew for the documents (bold heading on blue-grey, every other row
grey, a grey rule between rows, the heading again on top of every page, no row split across pages) but measures each
cell once with the document's line breaking instead of fpdf2's generic table machinery, which set fonts, styles and
borders cell by cell twice and took half of the contract's rendering time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace
from fpdf.util import Padding

from documents.layout import FONT, DocumentPDF
from documents.plain import plain

EMPTY = "—"  # an empty value or an unanswered question
CELL_LIMIT = 600  # characters; a table row must fit on one page, so callers cut very long cell text with "…"
PADDING = Padding.new((1.2, 1.2))  # mm around the text of a cell
LINE_HEIGHT = 4.2  # mm
SIZE = 8.5  # pt
HEADING_FILL = (230, 235, 242)
ROW_FILL = (246, 247, 249)  # every other row
RULE_GREY = 170
FAILURE = FontFace(emphasis="BOLD", color=(170, 20, 20))  # a cell that must stand out, e.g. a failed test


@dataclass(frozen=True)
class Column:
    """One column: heading, width in mm, alignment, and whether it holds free text that may contain endless words."""

    heading: str
    width: float
    align: Align = Align.L
    free_text: bool = False


CellStyle = Callable[[int, str], FontFace | None]  # (column index, text) -> style of that cell, None for the default


@dataclass(frozen=True)
class _Row:
    cells: Sequence[str]
    styles: Sequence[FontFace | None]
    height: float
    fill: tuple[int, int, int] | None


def data_table(pdf: DocumentPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
               cell_style: CellStyle | None = None) -> None:
    """Print ``rows`` under a bold heading that repeats on every page: zebra rows, grey rules, 8.5 pt text.

    Words wider than a free-text column switch the whole table to character wrapping, so nothing overflows a cell.
    """
    pdf.set_font(FONT, "", SIZE)  # the table's font: measure long words with it
    wrap = WrapMode.WORD
    free = [index for index, column in enumerate(columns) if column.free_text]
    if any(pdf.wrapmode_for(row[index], columns[index].width - PADDING.left - PADDING.right) is WrapMode.CHAR
           for row in rows for index in free):
        wrap = WrapMode.CHAR
    total = sum(column.width for column in columns)
    widths = [column.width / total * total for column in columns]  # as fpdf2 computed them, to the last bit
    lefts = [pdf.l_margin + sum(widths[:index]) for index in range(len(widths))]
    heading_style = FontFace(emphasis="BOLD")
    laid_out: list[_Row] = []
    with pdf.measuring():
        for index, cells in enumerate([tuple(column.heading for column in columns), *rows]):
            if index == 0:
                styles: list[FontFace | None] = [heading_style] * len(columns)
            else:
                styles = [cell_style(column, text) if cell_style else None for column, text in enumerate(cells)]
            heights = [_cell_height(pdf, text, widths[column], columns[column].align, wrap, styles[column])
                       for column, text in enumerate(cells)]
            fill = HEADING_FILL if index == 0 else ROW_FILL if index % 2 == 1 else None
            laid_out.append(_Row(cells, styles, max(heights) or LINE_HEIGHT, fill))

    pdf.set_draw_color(RULE_GREY)
    pdf.set_line_width(0.2)
    previous_fill = pdf.fill_color
    if len(laid_out) > 1 and pdf.will_page_break(laid_out[0].height + laid_out[1].height):
        pdf.add_page()  # never the heading alone at the foot of a page
    for index, row in enumerate(laid_out):
        if pdf.will_page_break(row.height):
            pdf.add_page()
            if pdf.will_page_break(row.height):
                raise ValueError(f"row {index} is too high for one page")
            if index > 0:
                _draw_row(pdf, laid_out[0], 0, len(laid_out), columns, widths, lefts, wrap)
        _draw_row(pdf, row, index, len(laid_out), columns, widths, lefts, wrap)
    if previous_fill is not None:
        pdf.set_fill_color(previous_fill)
    pdf.set_xy(pdf.l_margin, pdf.get_y())


def _cell_height(pdf: DocumentPDF, text: str, width: float, align: Align, wrap: WrapMode, style: FontFace | None) -> float:
    if not text:
        return 0
    with pdf.use_font_face(style) if style else nullcontext():
        lines = pdf.broken_lines(text, width - PADDING.right - PADDING.left, PADDING, align, wrap)  # as multi_cell
    return max(len(lines), 1) * LINE_HEIGHT + PADDING.top + PADDING.bottom


def _draw_row(pdf: DocumentPDF, row: _Row, index: int, count: int, columns: Sequence[Column], widths: Sequence[float],
              lefts: Sequence[float], wrap: WrapMode) -> None:
    top, left, right = pdf.get_y(), lefts[0], lefts[-1] + widths[-1]
    if row.fill is not None:
        pdf.set_fill_color(*row.fill)
        pdf.rect(left, top, right - left, row.height, style="F")
    if index > 0:
        pdf.line(left, top, right, top)
    if index < count - 1:
        pdf.line(left, top + row.height, right, top + row.height)
    pdf.set_font(FONT, "B" if index == 0 else "", SIZE)
    for column, text in enumerate(row.cells):
        if not text:
            continue
        pdf.set_xy(lefts[column], top)
        style = row.styles[column] if index > 0 else None
        with pdf.use_font_face(style) if style else nullcontext():
            pdf.multi_cell(w=widths[column], h=LINE_HEIGHT, text=text, align=columns[column].align,
                           max_line_height=LINE_HEIGHT, new_x=XPos.RIGHT, new_y=YPos.TOP, wrapmode=wrap, padding=PADDING)
    pdf.set_font(FONT, "", SIZE)
    pdf.set_xy(pdf.l_margin, top + row.height)


def label_rows(pdf: DocumentPDF, rows: Sequence[tuple[str, str]], label_width: float) -> None:
    """Print ``label  value`` lines: grey labels in a column of ``label_width`` mm, values wrapped beside them."""
    for label, value in rows:
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(90)
        pdf.cell(label_width, 4.8, label)
        pdf.set_text_color(0)
        pdf.text_block(value, width=pdf.epw - label_width)


def product_rows(product_name: str, product_id: str, manufacturer: str, release_version: str, municipality_name: str,
                 municipality_ags: str) -> list[tuple[str, str]]:
    """Return the overview lines naming the product and the municipality, as the configuration and acceptance print them."""
    return [
        ("Produkt", plain(product_name)),
        ("Produkt-ID", plain(product_id)),
        ("Hersteller", plain(manufacturer) or EMPTY),
        ("Produktversion", plain(release_version) or EMPTY),
        ("Kommune", plain(municipality_name)),
        ("AGS", plain(municipality_ags)),
    ]
