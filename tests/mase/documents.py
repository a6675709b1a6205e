"""Reading a meeting document (pack or minutes) as its recipient would: the
text of its PDF, extracted with pypdf."""

import io

from pypdf import PdfReader


def pdf_text(document) -> str:
    """The PDF's text, lines joined with spaces (a table cell may wrap)."""
    document.refresh_from_db()
    reader = PdfReader(io.BytesIO(bytes(document.pdf)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
