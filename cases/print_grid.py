"""The printing grid every printed sheet is made of: A4 PDFs drawn with reportlab in one look.

It knows nothing of dossiers, so any app can print with it (``outreach`` imports it like the rest
of ``cases``):

- ``cjk_font()`` embeds the TrueType CJK font of ``settings.PDF_CJK_FONT``;
- ``Cells`` are the paragraph styles at one font size and the cells made with them (label, value,
  a section name stacked in its narrow column); every text passes through ``escape()``, because
  reportlab reads Paragraph text as markup and users type ``<`` and ``&``;
- ``FormGrid`` is a form: one bordered grid of sections, each a narrow column naming it and rows
  of label/value pairs (or any cells), all sharing the same outer lines;
- ``Column`` declares a column of a list once (title, width, value, alignment), ``column_table``
  draws rows under those columns; ``row_number()`` and ``signature()`` are the usual extra columns;
- ``fit_to_page`` finds the largest font size at which a form fits one page, and ``one_page_pdf``
  prints it; ``list_pdf`` prints a list over as many pages as it takes, the header row repeated
  on each;
- ``Footer`` is drawn on every page: the print date and a note, and 第 x 页 共 y 页 (the total
  is known once the last page is laid out: the canvas keeps its pages until then).
"""

import functools
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT_NAME = "UnionAidCJK"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 12 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN
# the bottom margin's strip the footer is drawn in, and what a one-page form leaves free above it
FOOTER_RESERVE = 2 * mm
LABEL_FILL = colors.HexColor("#E8E8E8")
# tried in turn until a form fits its page; KeepInFrame shrinks whatever still does not
FONT_SIZES = (9, 8.5, 8, 7.5, 7, 6.5)
# a list's text: large enough to read on a notice board, small enough for seven columns on A4
LIST_FONT_SIZE = 10
# the height of a row with a signature column: room to sign by hand
SIGNATURE_ROW_HEIGHT = 9 * mm

ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}

_registered_fonts = {}


def cjk_font():
    """Registers the CJK TrueType font of settings.PDF_CJK_FONT once and returns its name."""
    path = getattr(settings, "PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if path in _registered_fonts:
        return _registered_fonts[path]
    if not os.path.isfile(path):
        raise ImproperlyConfigured(
            f"The CJK font for PDFs was not found at {path!r} (settings.PDF_CJK_FONT). Install the Debian "
            "package fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or point PDF_CJK_FONT at a "
            "TrueType font with Chinese glyphs."
        )
    name = f"{FONT_NAME}{len(_registered_fonts)}"
    options = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    pdfmetrics.registerFont(TTFont(name, path, **options))
    _registered_fonts[path] = name
    return name


def long_date(value):
    """A date (or a datetime, in local time) as printed on a form: 2026年3月5日; "" for none."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def text(value):
    """What a user typed (or any value), escaped for a Paragraph: printed literally, never as markup."""
    return escape(str(value if value is not None else ""))


class Cells:
    """The paragraph styles at one font size, and the cells of a grid made with them."""

    def __init__(self, size, font=None):
        self.font, self.size = font or cjk_font(), size
        self.leading = size * 1.3
        self.pad = max(size * 0.28, 1.8)
        value = ParagraphStyle("value", fontName=self.font, fontSize=size, leading=self.leading, alignment=TA_LEFT,
                               wordWrap="CJK")
        self.styles = {
            "left": value,
            "center": ParagraphStyle("center", parent=value, alignment=TA_CENTER),
            "right": ParagraphStyle("right", parent=value, alignment=TA_RIGHT),
        }
        self.label_style = self.styles["center"]
        self.section_style = ParagraphStyle("section", parent=self.label_style, leading=size * 1.25)
        self.paragraph_style = ParagraphStyle("paragraph", parent=value, alignment=TA_JUSTIFY,
                                              firstLineIndent=size * 2, leading=size * 1.6)

    def label(self, value, note=""):
        """A label cell (the grid gives it the grey fill), with an optional smaller second line."""
        markup = text(value)
        if note:
            markup += f'<br/><font size="{self.size * 0.85:g}">{text(note)}</font>'
        return Paragraph(markup, self.label_style)

    def value(self, value, align="left"):
        return Paragraph(text(value), self.styles[align])

    def section(self, value):
        """A section's name stacked one character a line, for the narrow column beside the section."""
        return Paragraph("<br/>".join(text(char) for char in str(value)), self.section_style)

    def paragraph(self, value, align="justify"):
        """Running text above or below a grid (a notice's wording): first line indented two characters."""
        style = self.paragraph_style
        if align != "justify":
            style = ParagraphStyle(align, parent=style, alignment=ALIGNMENTS[align], firstLineIndent=0)
        return Paragraph(text(value).replace("\n", "<br/>"), style)

    def title(self, value):
        return Title(str(value), self.font, self.size * 2.1)

    def grid_commands(self):
        """The lines and paddings every bordered grid shares: thin inner lines, a heavier box."""
        return [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad * 1.2),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad * 1.2),
            ("TOPPADDING", (0, 0), (-1, -1), self.pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.pad),
        ]


class Title(Flowable):
    """A sheet's title, centred and drawn bold (filled and stroked: the CJK font has no bold face).
    A title too long for the line is set smaller, down to two thirds, then broken into lines."""

    def __init__(self, text, font, size):
        super().__init__()
        self.text, self.font, self.full_size = text, font, size

    def _width(self, line, size):
        return pdfmetrics.stringWidth(line, self.font, size) + size * 0.15 * max(len(line) - 1, 0)

    def wrap(self, available_width, available_height):
        self.width = available_width
        fitting = self.full_size * available_width / max(self._width(self.text, self.full_size), 1)
        self.size = min(self.full_size, max(self.full_size * 2 / 3, fitting))
        self.lines = [""]
        for char in self.text:
            if self.lines[-1] and self._width(self.lines[-1] + char, self.size) > available_width:
                self.lines.append("")
            self.lines[-1] += char
        self.height = self.size * 1.2 * len(self.lines)
        return available_width, self.height

    def draw(self):
        self.canv.setLineWidth(self.size * 0.03)
        for number, text in enumerate(self.lines, start=1):
            line = self.canv.beginText()
            line.setFont(self.font, self.size)
            line.setCharSpace(self.size * 0.15)
            line.setTextRenderMode(2)
            line.setTextOrigin((self.width - self._width(text, self.size)) / 2,
                               self.height - number * self.size * 1.2 + self.size * 0.2)
            line.textOut(text)
            self.canv.drawText(line)


class FormGrid:
    """A form: one bordered grid for the whole sheet, so every section shares the same outer lines.

    Column 0 is the narrow column naming each section (stacked, on grey); ``widths`` are the form's
    columns after it. Sections are added in order with ``add`` (any cells) or ``add_pairs``
    (label/value pairs); their style commands count rows from the section's first row and
    columns from the first after the section column."""

    def __init__(self, cells, section_width, widths):
        self.cells, self.widths = cells, [section_width, *widths]
        self.rows, self.commands = [], []

    def add(self, section, rows, commands=()):
        start = len(self.rows)
        for y, row in enumerate(rows):
            self.rows.append([self.cells.section(section) if y == 0 else "", *row])
        end = len(self.rows) - 1
        self.commands.extend(self._shift(command, start, end) for command in commands)
        self.commands.append(("SPAN", (0, start), (0, end)))
        self.commands.append(("BACKGROUND", (0, start), (0, end), LABEL_FILL))

    def add_pairs(self, section, lines):
        """A section of label/value pairs (see ``pair_rows``)."""
        self.add(section, *self.pair_rows(lines))

    def pair_rows(self, lines):
        """Rows of label/value pairs and their style commands, for ``add``. A pair is (label, value)
        or (label, value, n) to span ``n`` pairs; a value is text (escaped here) or a ready
        flowable; labels get the grey fill."""
        rows, commands = [], []
        for y, line in enumerate(lines):
            row, col = [], 0
            for label, value, *span in line:
                width = (span[0] if span else 1) * 2 - 1
                row.append(self.cells.label(label))
                commands.append(("BACKGROUND", (col, y), (col, y), LABEL_FILL))
                row.append(value if isinstance(value, Flowable) else self.cells.value(value))
                if width > 1:
                    commands.append(("SPAN", (col + 1, y), (col + width, y)))
                    row.extend([""] * (width - 1))
                col += 1 + width
            rows.append(row)
        return rows, commands

    def add_nested(self, section, flowable):
        """One row whose single cell, spanning every column, holds a grid of its own (nested=True)."""
        columns = len(self.widths) - 1
        self.add(section, [[flowable] + [""] * (columns - 1)], [
            ("SPAN", (0, 0), (columns - 1, 0)),
            ("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (0, 0), (0, 0), 0),
            ("TOPPADDING", (0, 0), (0, 0), 0), ("BOTTOMPADDING", (0, 0), (0, 0), 0),
        ])

    @staticmethod
    def _shift(command, start, end):
        name, (x0, y0), (x1, y1), *rest = command

        def row(y):
            return start + y if y >= 0 else end + 1 + y

        def col(x):
            return x + 1 if x >= 0 else x

        return (name, (col(x0), row(y0)), (col(x1), row(y1)), *rest)

    @property
    def inner_width(self):
        """The width of the form's columns after the section column (for a nested grid)."""
        return sum(self.widths[1:])

    def table(self):
        table = Table(self.rows, colWidths=self.widths)
        table.setStyle(TableStyle([*self.cells.grid_commands(), *self.commands]))
        return table


@dataclass(frozen=True)
class Column:
    """A column of a printed list, declared once: its title, its width in mm on the page, how a
    row's value is found (``value(row)``; None leaves the cell blank, e.g. to sign in) and its
    alignment ("left", "center" or "right"); ``row_height_mm`` makes every row at least that tall.
    A list's widths are scaled together to fill the width the grid is given, so they may also be
    read as proportions."""

    title: str
    width_mm: float
    value: Callable[[Any], Any] | None = None
    align: str = "left"
    row_height_mm: float | None = None

    def __post_init__(self):
        if self.align not in ALIGNMENTS:
            raise ValueError(f"Column {self.title!r}: align must be one of {', '.join(ALIGNMENTS)}, not {self.align!r}")

    def cell_text(self, row, number):
        if self.value is _ROW_NUMBER:
            return number
        return "" if self.value is None else self.value(row)


# the value of a column that numbers the rows: the row's position in the list, from 1
_ROW_NUMBER = object()


def row_number(title="序号", width_mm=12):
    """A column numbering the rows from 1."""
    return Column(title, width_mm, _ROW_NUMBER, align="center")


def signature(title="签名", width_mm=26):
    """A blank column to sign in by hand (签名, 签收): its rows are tall enough for a signature."""
    return Column(title, width_mm, None, align="center", row_height_mm=SIGNATURE_ROW_HEIGHT / mm)


def column_table(cells, columns, rows, *, width, repeat_header=True, nested=False, min_rows=0, empty_text=""):
    """The rows under the columns' header: a bordered grid whose header row (grey) is repeated on
    every page the table runs onto. ``nested`` draws only the inner lines, for a grid inside a
    FormGrid's cell. ``min_rows`` adds blank rows to write in; ``empty_text`` fills one row
    spanning every column when there are no rows."""
    scale = width / sum(column.width_mm * mm for column in columns)
    widths = [column.width_mm * mm * scale for column in columns]
    pad_x = cells.pad if nested else cells.pad * 1.2
    # a column to sign in makes every row at least that tall; a row whose text wraps, taller
    least = max((column.row_height_mm * mm for column in columns if column.row_height_mm), default=0)
    data, heights = [[cells.label(column.title) for column in columns]], [None]
    for number, row in enumerate(rows, start=1):
        line = [cells.value(column.cell_text(row, number), column.align) for column in columns]
        data.append(line)
        heights.append(_row_height(line, widths, pad_x, cells.pad, least) if least else None)
    count = len(data) - 1
    commands = [
        ("INNERGRID" if nested else "GRID", (0, 0), (-1, -1), 0.5, colors.black),
        *([] if nested else [("BOX", (0, 0), (-1, -1), 1.2, colors.black)]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad_x),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad_x),
        ("TOPPADDING", (0, 0), (-1, -1), cells.pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), cells.pad),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
    ]
    if count == 0 and empty_text:
        data.append([cells.value(empty_text, "center")] + [""] * (len(columns) - 1))
        heights.append(None)
        commands.append(("SPAN", (0, 1), (-1, 1)))
    for _ in range(max(min_rows - count, 0)):
        data.append([""] * len(columns))
        heights.append(max(least, cells.leading + 2 * cells.pad))
    table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle(commands))
    return table


def _row_height(line, widths, pad_x, pad_y, least):
    needed = max(cell.wrap(width - 2 * pad_x, FRAME_HEIGHT)[1] for cell, width in zip(line, widths))
    return max(least, needed + 2 * pad_y)


@dataclass(frozen=True)
class Footer:
    """What is printed at the foot of every page, in grey: ``left`` (what the sheet is, so that a
    loose page still says it), 第 x 页 共 y 页 in the middle when ``page_numbers``, and on the right
    the print date and ``note`` (e.g. that numbers are masked)."""

    note: str = ""
    left: str = ""
    page_numbers: bool = True

    def draw(self, canvas, page, pages):
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setFont(cjk_font(), 7)
        canvas.setFillColor(colors.grey)
        y = MARGIN * 0.5
        numbers = f"第 {page} 页 共 {pages} 页" if self.page_numbers else ""
        if self.left:
            # up to the page numbers, which stay in the middle
            room = width / 2 - MARGIN - canvas.stringWidth(numbers) / 2 - 4 * mm
            canvas.drawString(MARGIN, y, _clipped(self.left, canvas, room))
        if numbers:
            canvas.drawCentredString(width / 2, y, numbers)
        canvas.drawRightString(width - MARGIN, y, "　".join(
            part for part in ("打印日期：" + long_date(timezone.localdate()), self.note) if part
        ))
        canvas.restoreState()


def _clipped(line, canvas, width):
    """``line`` cut short with an ellipsis to fit ``width`` in the canvas's current font."""
    if canvas.stringWidth(line) <= width:
        return line
    while line and canvas.stringWidth(line + "…") > width:
        line = line[:-1]
    return line + "…"


class _FooterCanvas(Canvas):
    """A canvas that keeps its pages until the document ends, so that each page's footer can say
    how many pages there are."""

    def __init__(self, *args, footer, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer, self._pages = footer, []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer.draw(self, number, len(self._pages))
            super().showPage()
        super().save()


def story_height(story, width=FRAME_WIDTH):
    return sum(flowable.wrap(width, FRAME_HEIGHT)[1] for flowable in story)


def fit_to_page(build, *, sizes=FONT_SIZES, height=FRAME_HEIGHT - FOOTER_RESERVE):
    """The story of a one-page form at the largest font size at which it fits.

    ``build(cells, spare)`` makes the story with ``Cells`` at a size; it is measured with
    ``spare=0``, and the size that fits is built once more with the height left free on the page,
    for a form whose boxes grow into it (a form that need not can ignore it). When no size fits,
    the smallest is returned (``one_page_pdf`` shrinks it onto the page)."""
    for size in sizes:
        cells = Cells(size)
        story = build(cells, 0)
        spare = height - story_height(story)
        if spare >= 0:
            return build(cells, spare)
    return story


def _pdf(story, *, title, author, footer, pagesize):
    width, height = pagesize
    buffer = io.BytesIO()
    frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(buffer, pagesize=pagesize, pageTemplates=[PageTemplate(frames=[frame])],
                          title=str(title), author=str(author), creator="union_aid")
    doc.build(story, canvasmaker=functools.partial(_FooterCanvas, footer=footer))
    return buffer.getvalue()


def one_page_pdf(story, *, title, author="", footer=Footer(page_numbers=False)):
    """A form on one A4 page: whatever does not fit is shrunk onto it (build the story with
    ``fit_to_page`` so that this rarely happens)."""
    return _pdf([KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, story, mode="shrink")], title=title, author=author,
                footer=footer, pagesize=A4)


def list_pdf(*, title, columns, rows, before=(), after=(), footer=None, author="", empty_text="",
             size=LIST_FONT_SIZE, wide=False):
    """A list on A4 over as many pages as it takes: the title, then ``before`` (texts: paragraphs
    above the grid), the rows under ``columns`` with the header row repeated on every page, then
    ``after`` (texts, right-aligned: who issues the list, the date). Every page ends with the
    footer (by default the title and 第 x 页 共 y 页). ``wide`` turns the paper (landscape)."""
    pagesize = landscape(A4) if wide else A4
    cells = Cells(size)
    story = [cells.title(title), Spacer(1, size * 0.8)]
    for paragraph in before:
        story.extend([cells.paragraph(paragraph), Spacer(1, size * 0.5)])
    story.append(column_table(cells, columns, rows, width=pagesize[0] - 2 * MARGIN, empty_text=empty_text))
    if after:
        story.append(Spacer(1, size * 1.2))
        story.extend(cells.paragraph(paragraph, align="right") for paragraph in after)
    return _pdf(story, title=title, author=author, footer=footer or Footer(left=str(title)), pagesize=pagesize)
