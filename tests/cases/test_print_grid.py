"""The printing grid (cases.print_grid) on its own, as another app would print with it: lists over
many pages with the header on each, 第 x 页 共 y 页, a signature column, columns declared once,
forms fitted to one page, the font, and text printed literally."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from cases import print_grid
from cases.print_grid import (
    Cells,
    Column,
    Footer,
    FormGrid,
    column_table,
    list_pdf,
    row_number,
    signature,
)

from .pdf_reading import page_count, pdf_text, unspaced


@dataclass
class Recipient:
    name: str
    unit: str
    amount: str


RECIPIENTS = [Recipient(f"受助人{n:03d}", "弥阳镇工会联合会", f"{500 + n}.00") for n in range(1, 91)]

COLUMNS = (
    row_number(),
    Column("姓名", 30, lambda row: row.name),
    Column("单位", 60, lambda row: row.unit),
    Column("金额（元）", 30, lambda row: row.amount, align="right"),
    signature("签收"),
)


def sign_off_sheet(rows=RECIPIENTS, **options):
    return list_pdf(title="2026年春节送温暖慰问金发放表", columns=COLUMNS, rows=rows,
                    before=["以下职工领取慰问金，请本人签收。"], after=["弥勒县总工会", "2026年1月20日"], **options)


def test_a_list_with_a_signature_column_runs_over_pages_with_the_header_on_every_one(tmp_path):
    content = sign_off_sheet()
    pages = page_count(content)

    assert pages >= 3
    for page in range(1, pages + 1):
        text = unspaced(pdf_text(content, tmp_path, page=page))
        for title in ("序号", "姓名", "单位", "金额（元）", "签收"):
            assert title in text, f"{title} is not on page {page}"
        assert f"第{page}页共{pages}页" in text
        # the footer names the sheet, so a loose page still says what it belongs to
        assert "2026年春节送温暖慰问金发放表" in text
    assert "以下职工领取慰问金" in unspaced(pdf_text(content, tmp_path, page=1))
    assert "以下职工领取慰问金" not in unspaced(pdf_text(content, tmp_path, page=2))
    assert "弥勒县总工会2026年1月20日" in unspaced(pdf_text(content, tmp_path, page=pages))


def test_every_row_is_printed_once_in_order_with_its_number(tmp_path):
    text = pdf_text(sign_off_sheet(), tmp_path)

    rows = [(int(number), name) for number, name in re.findall(r"^\s*(\d+)\s+(受助人\d{3})", text, flags=re.MULTILINE)]
    assert rows == [(n, f"受助人{n:03d}") for n in range(1, 91)]


def test_rows_with_a_signature_column_are_tall_enough_to_sign_in():
    cells = Cells(10)
    with_signature = column_table(cells, COLUMNS, RECIPIENTS[:3], width=186 * mm)
    without = column_table(cells, COLUMNS[:-1], RECIPIENTS[:3], width=186 * mm)
    with_signature.wrap(186 * mm, 800)
    without.wrap(186 * mm, 800)

    assert all(height >= print_grid.SIGNATURE_ROW_HEIGHT for height in with_signature._rowHeights[1:])
    assert all(height < print_grid.SIGNATURE_ROW_HEIGHT for height in without._rowHeights[1:])
    # and the signature cells are left blank
    assert all(row[-1].text == "" for row in with_signature._cellvalues[1:])


def test_a_row_whose_text_wraps_grows_beyond_the_signature_height():
    long = Recipient("阿卜杜热依木·买买提艾力·艾合买提江", "弥勒市红河州第二轻工业局下属国营木器加工总厂职工援助工作点", "1.00")
    table = column_table(Cells(10), COLUMNS, [long], width=186 * mm)
    table.wrap(186 * mm, 800)

    assert table._rowHeights[1] > print_grid.SIGNATURE_ROW_HEIGHT


def test_a_column_is_declared_once_with_its_title_width_value_and_alignment():
    table = column_table(Cells(10), COLUMNS, RECIPIENTS[:1], width=186 * mm)
    header, first = table._cellvalues[0], table._cellvalues[1]

    assert [cell.text for cell in header] == ["序号", "姓名", "单位", "金额（元）", "签收"]
    assert [cell.text for cell in first[:4]] == ["1", "受助人001", "弥阳镇工会联合会", "501.00"]
    assert [cell.style.alignment for cell in first] == [TA_CENTER, TA_LEFT, TA_LEFT, TA_RIGHT, TA_CENTER]
    # widths in mm, scaled together to fill the width the grid is given
    assert sum(table._colWidths) == pytest.approx(186 * mm)
    assert table._colWidths[2] == pytest.approx(2 * table._colWidths[1])


def test_a_column_with_an_unknown_alignment_is_refused_where_it_is_declared():
    with pytest.raises(ValueError, match="align"):
        Column("金额", 20, lambda row: row.amount, align="middle")


def test_markup_in_a_value_is_printed_literally(tmp_path):
    rows = [Recipient("<b>李</b>&amp;", "<font size=40>髯翁</font> & 3号", "1.00")]

    text = unspaced(pdf_text(sign_off_sheet(rows), tmp_path, raw=True))

    assert "<b>李</b>&amp;" in text
    assert "<fontsize=40>髯翁</font>&3号" in text


def test_an_empty_list_prints_its_header_and_says_it_is_empty(tmp_path):
    content = sign_off_sheet([], empty_text="本次没有发放对象。")

    text = unspaced(pdf_text(content, tmp_path))
    assert page_count(content) == 1
    assert "签收" in text and "本次没有发放对象。" in text
    assert "第1页共1页" in text


def test_a_wide_list_is_printed_on_landscape_a4(tmp_path):
    content = sign_off_sheet(wide=True)

    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in content


def test_a_footer_without_page_numbers_prints_the_date_and_its_note_only(tmp_path):
    content = sign_off_sheet(RECIPIENTS[:2], footer=Footer(note="仅供内部使用", page_numbers=False))

    text = unspaced(pdf_text(content, tmp_path))
    assert "仅供内部使用" in text and "打印日期：" in text
    assert "第1页" not in text


def test_a_long_title_is_broken_into_lines_on_the_page_and_cut_short_in_the_footer(tmp_path):
    title = "".join(f"第{n}个单位" for n in range(1, 21))
    content = list_pdf(title=title, columns=COLUMNS, rows=RECIPIENTS[:1])

    lines = pdf_text(content, tmp_path).splitlines()
    footer = next(line for line in lines if "第1页" in unspaced(line))
    assert unspaced(footer).index("…") < unspaced(footer).index("第1页共1页")
    # the whole title on the page, within its width (pdftotext would not find a line run off the paper)
    assert title in unspaced("".join(lines[:lines.index(next(line for line in lines if "序号" in line))]))


def test_fit_to_page_takes_the_largest_font_size_that_fits_and_gives_it_the_spare_height():
    built = []

    def build(cells, spare):
        built.append((cells.size, spare))
        return [Spacer(1, cells.size * room / 8.2)]  # fits the page from size 8 down

    room = print_grid.FRAME_HEIGHT - print_grid.FOOTER_RESERVE
    story = print_grid.fit_to_page(build)

    assert story[0].height == pytest.approx(8 * room / 8.2)
    assert built[-1] == (8, pytest.approx(room - 8 * room / 8.2))
    assert [size for size, spare in built[:-1]] == [9, 8.5, 8]


def test_a_form_grid_names_each_section_beside_its_rows_and_fills_the_labels():
    cells = Cells(9)
    grid = FormGrid(cells, 8 * mm, [20 * mm, 30 * mm] * 2)
    grid.add_pairs("户主", [[("姓名", "<张>"), ("性别", "男")], [("住址", "太平路12号", 2)]])
    grid.add_pairs("家庭", [[("人口", "3 人"), ("收入", "1,000.00 元")]])
    table = grid.table()

    assert [cell.text if hasattr(cell, "text") else cell for cell in table._cellvalues[1]][:3] == ["", "住址", "太平路12号"]
    assert table._cellvalues[0][0].text == "户<br/>主"
    assert table._cellvalues[0][2].text == "&lt;张&gt;"
    commands = table._spanCmds
    assert ("SPAN", (0, 0), (0, 1)) in commands and ("SPAN", (0, 2), (0, 2)) in commands
    assert ("SPAN", (2, 1), (4, 1)) in commands


def test_missing_font_names_the_debian_package_to_install(settings, tmp_path):
    settings.PDF_CJK_FONT = str(tmp_path / "no-such-font.ttc")

    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-zenhei"):
        print_grid.cjk_font()


def test_the_grid_knows_nothing_of_dossiers_so_any_app_may_print_with_it():
    tree = ast.parse(Path(print_grid.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}

    assert {name.split(".")[0] for name in imported} <= {
        "functools", "io", "os", "collections", "dataclasses", "typing", "xml", "django", "reportlab"
    }
