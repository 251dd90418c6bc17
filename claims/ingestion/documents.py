"""Text from a file a reviewer uploads: PDF, DOCX, HTML or plain text.

What a file says it is (its name, its declared type) is only a claim: the bytes decide. A
PDF must start like one, a DOCX must be a zip holding a Word document. Every reader has
caps (pages, decompressed size, extracted characters) so that a small file that unpacks
into a huge one (a "bomb") is refused instead of filling the memory of a web worker.
"""

import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath

import pypdf
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from lxml import etree
from pypdf.errors import PyPdfError

from claims.ingestion.fetching import FetchedPage
from claims.ingestion.pages import (
    MAX_TEXT_CHARS,
    ExtractionError,
    PageContent,
    extract_page,
    read_pasted,
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
KINDS_BY_SUFFIX = {".pdf": PDF, ".docx": DOCX, ".html": HTML, ".htm": HTML, ".txt": TEXT}
# An encrypted Office file, and the old binary .doc, are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PDF_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    zlib.error,
)
# The Word XML of a million characters of text is a few times larger, never 50 times.
MAX_DOCX_XML_BYTES = 50 * MAX_TEXT_CHARS


@dataclass(frozen=True)
class Upload:
    """A file as received: its name, its declared content type and its bytes."""

    name: str
    content_type: str
    data: bytes


def upload_from(file: UploadedFile) -> Upload:
    """Return a received file's bytes, at most one more than the cap: enough to refuse it."""
    return Upload(
        name=file.name or "",
        content_type=file.content_type or "",
        data=file.read(settings.UPLOAD_MAX_BYTES + 1),
    )


def upload_kind(upload: Upload) -> str:
    """Return the file's content type, told by its name and checked against its bytes."""
    kind = KINDS_BY_SUFFIX.get(PurePath(upload.name).suffix.lower())
    if kind is None and upload.content_type in KINDS_BY_SUFFIX.values():
        kind = upload.content_type
    if kind is None:
        raise ExtractionError("Upload a PDF, DOCX, HTML or plain-text (.txt) file.")
    if kind == PDF and not upload.data[:1024].lstrip().startswith(b"%PDF-"):
        raise ExtractionError("The file is called a PDF but is not one.")
    if kind == DOCX and upload.data.startswith(OLE_MAGIC):
        raise ExtractionError("The document is encrypted (or an old .doc); upload a plain .docx.")
    if kind == DOCX and not zipfile.is_zipfile(io.BytesIO(upload.data)):
        raise ExtractionError("The file is called a DOCX but is not one.")
    return kind


def read_upload(upload: Upload) -> PageContent:
    """Return the text of an uploaded file, or raise ExtractionError saying why not."""
    if not upload.data:
        raise ExtractionError("The file is empty.")
    if len(upload.data) > settings.UPLOAD_MAX_BYTES:
        raise ExtractionError(f"The file is larger than {_megabytes(settings.UPLOAD_MAX_BYTES)}.")
    kind = upload_kind(upload)
    if kind == PDF:
        return read_pasted(_pdf_text(upload.data))
    if kind == DOCX:
        return read_pasted(_docx_text(upload.data))
    if kind == HTML:
        return extract_page(_as_page(upload, HTML))
    return read_pasted(_plain_text(upload.data))


def _pdf_text(data: bytes) -> str:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ExtractionError("The PDF is encrypted; upload a copy without a password.")
        if len(reader.pages) > settings.UPLOAD_MAX_PAGES:
            raise ExtractionError(f"The PDF has more than {settings.UPLOAD_MAX_PAGES} pages.")
        pages, length = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > MAX_TEXT_CHARS:  # stop reading, rather than extract it all first
                raise ExtractionError(f"The PDF holds more than {MAX_TEXT_CHARS:,} characters.")
    except PDF_ERRORS as error:
        # pypdf raises its own errors for most broken files, plain ones for some others.
        raise ExtractionError(f"The PDF cannot be read ({type(error).__name__}).") from None
    if not "".join(pages).strip():
        raise ExtractionError("The PDF has no text (a scan needs OCR first).")
    return "\n\n".join(pages)


def _docx_text(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as xml:
            body = xml.read(MAX_DOCX_XML_BYTES + 1)  # the declared size may lie: read at most this
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError):
        raise ExtractionError("The DOCX cannot be read: it holds no Word document.") from None
    if len(body) > MAX_DOCX_XML_BYTES:
        raise ExtractionError("The DOCX unpacks to more text than a document can hold.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        raise ExtractionError("The DOCX cannot be read: its text is not well-formed.") from None
    paragraphs = ("".join(run.itertext()) for run in root.iter(f"{WORD_NS}p"))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph.strip())


def _plain_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractionError("The text file is not UTF-8 text.") from None


def _as_page(upload: Upload, kind: str) -> FetchedPage:
    return FetchedPage(
        url="",
        status=200,
        content_type=kind,
        charset=None,
        body=upload.data,
        fetched_at=datetime.now(UTC),
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"
