"""The tables every document of the shop prints, in one style: data tables with a repeated heading, label/value lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf.enums import Align, TableBordersLayout, TableCellFillMode, WrapMode
from fpdf.fonts import FontFace

from documents.layout import FONT, DocumentPDF
from documents.plain import plain

EMPTY = "—"  # an empty value or an unanswered question
CELL_LIMIT = 600  # characters; a table row must fit on one page, so callers cut very long cell text with "…"
PADDING = 1.2  # mm around the text of a cell
HEADING = FontFace(emphasis="BOLD", fill_color=(230, 235, 242))
FAILURE = FontFace(emphasis="BOLD", color=(170, 20, 20))  # a cell that must stand out, e.g. a failed test


@dataclass(frozen=True)
class Column:
    """One column: heading, width in mm, alignment, and whether it holds free text that may contain endless words."""

    heading: str
    width: float
    align: Align = Align.L
    free_text: bool = False


CellStyle = Callable[[int, str], FontFace | None]  # (column index, text) -> style of that cell, None for the default


def data_table(pdf: DocumentPDF, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
               cell_style: CellStyle | None = None) -> None:
    """Print ``rows`` under a bold heading that repeats on every page: zebra rows, grey rules, 8.5 pt text.

    Words wider than a free-text column switch the whole table to character wrapping, so nothing overflows a cell.
    """
    pdf.set_font(FONT, "", 8.5)  # the table's font: measure long words with it
    wrap = WrapMode.WORD
    free = [index for index, column in enumerate(columns) if column.free_text]
    if any(pdf.wrapmode_for(row[index], columns[index].width - 2 * PADDING) is WrapMode.CHAR
           for row in rows for index in free):
        wrap = WrapMode.CHAR
    widths = [column.width for column in columns]
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align=Align.L,
        text_align=tuple(column.align for column in columns),
        headings_style=HEADING,
        line_height=4.2,
        padding=(PADDING, PADDING),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        cell_fill_color=(246, 247, 249),
        cell_fill_mode=TableCellFillMode.ROWS,
        wrapmode=wrap,
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        table.row(tuple(column.heading for column in columns))
        for row in rows:
            if cell_style is None:
                table.row(tuple(row))
                continue
            cells = table.row()
            for index, value in enumerate(row):
                cells.cell(value, style=cell_style(index, value))


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
