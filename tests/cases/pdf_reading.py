"""Reading printed PDFs back in tests: their text through poppler's pdftotext, their pages."""

import os
import re
import shutil
import subprocess

import pytest


def pdf_text(content, tmp_path, layout=True, page=None, raw=False):
    """The PDF's text through poppler's pdftotext: as laid out on the page, or (``layout=False``)
    cell by cell, or (``raw``) in the order it was drawn, which keeps the lines of a value wrapped
    inside its cell together even beside a cell of one line; one ``page`` (from 1) or all."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("pdftotext (Debian package poppler-utils) is missing although scripts/test.sh installed it")
        pytest.skip("pdftotext (Debian package poppler-utils) is not installed")
    path = tmp_path / "printed.pdf"
    path.write_bytes(content)
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    mode = ["-raw"] if raw else ["-layout"] if layout else []
    command = ["pdftotext", *mode, *pages, str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_count(content):
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", content))


def unspaced(text):
    """The text without the spaces and line breaks that table cells put into it."""
    return "".join(text.split())
