"""Uploaded Excel workbooks: checked before anything parses them, then read as the townships'
sheets really are (title rows and merged cells above the header, empty rows in between).

``check_upload`` looks at the bytes only: at most 5 MB, a real .xlsx (a zip holding the workbook's
parts; an old .xls, a password-protected workbook, a PDF or anything else is told so), no macros,
at most 50 MB once unpacked and no entry with an absurd compression ratio (a zip bomb). Python's
zipfile never unpacks more than an entry's declared size, so the declared sizes bound the work.
openpyxl then reads the XML through defusedxml (installed with lxml), so an entity definition
(a "billion laughs") is refused instead of expanded: ``read_rows`` says so.

Any app's import uses these (dossiers here, units and aid records in outreach)."""

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .rules import WorkflowError, require

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# sheet XML packs about 10:1; a bomb packs thousands to one
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
# the header is found among the first rows; the data ends after this many empty rows in a row
HEADER_SEARCH_ROWS = 15
EMPTY_ROWS_AT_END = 50
MAX_DATA_ROWS = 100_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def _is_encrypted_ole(data):
    # a password-protected .xlsx is an OLE container holding the encrypted package
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def check_upload(upload):
    """The uploaded file's bytes if it may be parsed as a workbook; WorkflowError (Chinese) if not."""
    require(upload is not None and upload.size, _("请选择要上传的Excel文件（.xlsx）。"))
    require(upload.size <= MAX_UPLOAD_BYTES, _("文件不能超过5 MB；请把表格分成几个文件上传。"))
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    upload.seek(0)
    require(len(data) <= MAX_UPLOAD_BYTES, _("文件不能超过5 MB；请把表格分成几个文件上传。"))
    check_workbook_bytes(data)
    return data


def check_workbook_bytes(data):
    """Refuses, in Chinese, bytes that are not a plain .xlsx workbook safe to unpack."""
    if data.startswith(OLE_MAGIC):
        require(not _is_encrypted_ole(data),
                _("该工作簿设置了打开密码，系统无法读取。请在Excel中取消密码（文件→信息→保护工作簿）后再上传。"))
        raise WorkflowError(_("这是旧版Excel文件（.xls）。请在Excel中“另存为”“Excel工作簿（*.xlsx）”后再上传。"))
    require(not data.startswith(b"%PDF"), _("这是PDF文件，不是Excel工作簿。请上传.xlsx格式的表格。"))
    require(data.startswith(ZIP_MAGIC), _("这不是Excel工作簿（.xlsx）文件，请检查后重新选择。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkflowError(_("文件已损坏或不是完整的Excel工作簿，请重新保存后上传。")) from None
    names = {entry.filename for entry in entries}
    require("[Content_Types].xml" in names and "xl/workbook.xml" in names,
            _("这不是Excel工作簿（.xlsx）文件，请检查后重新选择。"))
    macro = any(name.lower().endswith("vbaproject.bin") for name in names)
    content_types = archive.read("[Content_Types].xml") if archive.getinfo("[Content_Types].xml").file_size < 1_000_000 else b""
    require(not macro and b"macroEnabled" not in content_types,
            _("工作簿含有宏，出于安全考虑不能上传。请在Excel中“另存为”不含宏的“Excel工作簿（*.xlsx）”。"))
    require(sum(entry.file_size for entry in entries) <= MAX_UNPACKED_BYTES,
            _("文件解压后超过50 MB，不像正常的表格（可能是压缩炸弹），已拒绝。"))
    for entry in entries:
        if entry.file_size >= RATIO_CHECKED_FROM:
            require(entry.compress_size and entry.file_size / entry.compress_size <= MAX_RATIO,
                    _("文件的压缩比异常（可能是压缩炸弹），已拒绝。"))


def header_key(text):
    """A header as written (with stars, spaces, line breaks, full-width brackets) reduced to compare."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    for mark in ("*", "※", "(必填)", "必填", "(选填)", " ", "\n", "\r", "\t", "　"):
        text = text.replace(mark, "")
    return text.strip()


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    values: dict  # column key -> raw cell value


def _header_of(row, aliases):
    found = {}
    for index, value in enumerate(row):
        key = aliases.get(header_key(value))
        if key is not None and key not in found.values():
            found[index] = key
    return found


def read_rows(data, aliases, *, required, on_rows=None):
    """The data rows of the workbook's first sheet as SheetRow, below its header row.

    ``aliases`` maps each accepted header text (as ``header_key`` reduces it) to a column key;
    the header is the first of the first rows holding every key in ``required``. Empty rows are
    skipped, the data ends after EMPTY_ROWS_AT_END empty rows. Returns (rows, columns) where
    columns maps a key to its header text as written; ``on_rows(n)`` is told every 500 rows read.
    Raises WorkflowError."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        raise _unreadable(error) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header, header_number, written = None, 0, {}
        for number, row in enumerate(rows, start=1):
            if number > HEADER_SEARCH_ROWS:
                break
            found = _header_of(row, aliases)
            if set(required) <= set(found.values()):
                header, header_number = found, number
                written = {key: str(row[index] or "").strip() for index, key in found.items()}
                break
        require(header is not None,
                _("在第一个工作表的前%(n)s行中没有找到表头（需要有以下列：%(cols)s）。请使用下载的模板。")
                % {"n": HEADER_SEARCH_ROWS, "cols": "、".join(required_labels(aliases, required))})
        out, empty_run = [], 0
        for number, row in enumerate(rows, start=header_number + 1):
            values = {key: row[index] for index, key in header.items() if index < len(row)}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                empty_run += 1
                if empty_run >= EMPTY_ROWS_AT_END:
                    break
                continue
            empty_run = 0
            out.append(SheetRow(number, values))
            if on_rows is not None and len(out) % 500 == 0:
                on_rows(len(out))
            require(len(out) <= MAX_DATA_ROWS,
                    _("表格超过%(n)s行，请分成几个文件上传。") % {"n": MAX_DATA_ROWS})
    except WorkflowError:
        raise
    except Exception as error:
        raise _unreadable(error) from None
    finally:
        workbook.close()
    return out, written


def _unreadable(error):
    """The refusal for a workbook openpyxl could not read: an entity trick (defusedxml refused it,
    perhaps wrapped by openpyxl) is told so; anything else is a damaged file."""
    from defusedxml import DefusedXmlException

    seen = error
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return WorkflowError(_("文件含有不安全的XML内容（实体定义），已拒绝。请用Excel重新保存后上传。"))
        seen = seen.__cause__ or seen.__context__
    return WorkflowError(_("文件已损坏或不是完整的Excel工作簿，请用Excel重新保存后上传。"))


def required_labels(aliases, required):
    first = {}
    for text, key in aliases.items():
        first.setdefault(key, text)
    return [first.get(key, key) for key in required]
