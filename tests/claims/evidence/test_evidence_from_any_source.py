"""Evidence from any source a reviewer holds: a pasted quotation with its source, an
uploaded PDF, DOCX, HTML or text file, or a page's URL; each a source article with a
snapshot, through one service, in the API and the admin. Bad input is a clear error and
leaves no rows."""

import gzip
import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from claims.evidence.review import evidence_add
from claims.ingestion.documents import Upload
from claims.ingestion.services import SourceDetails
from claims.models import Article, Claim, Evidence, Snapshot
from claims.sweep import stuck_work_requeue

AUDITOR = SourceDetails(
    name="Riverton town auditor",
    kind="interview",
    date=date(2026, 10, 20),
    supplied_by="Our reporter, by phone",
)
QUOTE = (
    "The Harbour Street bridge did not cost 400 million dollars. "
    "The final accounts show 212 million dollars, every payment included."
)


def pdf(*pages: bytes, password: str = "") -> bytes:
    """A PDF whose pages draw these content streams in Helvetica."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for content in pages:
        page = writer.add_blank_page(612, 792)
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_page(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET"


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    xml = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def add_file(claim: Claim, user: User, name: str, data: bytes, kind: str = "") -> Evidence:
    upload = Upload(name=name, content_type=kind, data=data)
    return evidence_add(claim=claim, user=user, upload=upload, details=AUDITOR)


def nothing_stored(claim: Claim) -> bool:
    return not claim.evidence.exists() and not Article.objects.filter(kind__gt="").exists()


def test_a_pasted_quotation_becomes_a_source_with_its_snapshot(
    accepted_claim: Claim, reviewer: User
) -> None:
    evidence = evidence_add(claim=accepted_claim, user=reviewer, text=QUOTE, details=AUDITOR)
    source = evidence.source
    assert (source.kind, source.publisher, source.supplied_by) == (
        "interview",
        "Riverton town auditor",
        "Our reporter, by phone",
    )
    assert source.published_at is not None and source.published_at.date() == date(2026, 10, 20)
    assert source.title == "Interview: Riverton town auditor"
    assert (source.status, source.submitted_by, source.url) == ("extracted", reviewer, "")
    snapshot = source.snapshots.get()
    assert snapshot.body.decode() == QUOTE
    assert evidence.snapshot_hash == snapshot.sha256
    assert (evidence.provider, evidence.pinned, evidence.added_by) == ("by_hand", True, reviewer)
    assert "212 million dollars" in evidence.passage


def test_a_supplied_source_is_never_proposed_from_by_the_sweep(
    accepted_claim: Claim, reviewer: User, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = evidence_add(claim=accepted_claim, user=reviewer, text=QUOTE, details=AUDITOR)
    assert evidence.source.proposes_claims is False
    Article.objects.filter(id=evidence.source_id).update(
        status_changed_at=timezone.now() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        stuck_work_requeue()
    assert not Article.objects.filter(id=evidence.source_id, candidates_proposed_at__isnull=False)
    assert sent == []


def test_an_empty_paste_and_a_source_without_details_are_refused(
    accepted_claim: Claim, reviewer: User
) -> None:
    with pytest.raises(ValidationError, match="Give one source"):
        evidence_add(claim=accepted_claim, user=reviewer, text="  \n ", details=AUDITOR)
    nameless = SourceDetails(name="", kind="memo", date=None)
    with pytest.raises(ValidationError) as refused:
        evidence_add(claim=accepted_claim, user=reviewer, text=QUOTE, details=nameless)
    assert set(refused.value.message_dict) == {"source_name", "source_kind", "source_date"}
    assert nothing_stored(accepted_claim)


def test_an_uploaded_pdf_docx_html_and_text_file_each_give_their_text(
    accepted_claim: Claim, reviewer: User
) -> None:
    files = {
        "report.pdf": pdf(text_page("The bridge cost 212 million dollars, says the audit.")),
        "memo.docx": docx("Audit memo", "The bridge cost 212 million dollars in total."),
        "page.html": b"<html><body><article><p>The bridge cost 212 million dollars, "
        b"the council's accounts show.</p><script>steal()</script></article></body></html>",
        "notes.txt": b"Notes: the bridge cost 212 million dollars.",
    }
    for name, data in files.items():
        evidence = add_file(accepted_claim, reviewer, name, data)
        assert "212 million dollars" in evidence.source.text, name
        assert "steal()" not in evidence.source.text
        snapshot = evidence.source.snapshots.get()
        assert (snapshot.filename, snapshot.body) == (name, data)
    kinds = Snapshot.objects.filter(filename__gt="").values_list("content_type", flat=True)
    assert sorted(kinds) == sorted(
        [
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "text/html",
            "text/plain",
        ]
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"<html>not a pdf at all</html>", "called a PDF but is not one"),
        ("report.pdf", pdf(text_page("secret"), password="pw"), "encrypted"),
        ("report.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "cannot be read"),
        ("memo.docx", b"PK\x03\x04 a broken zip", "not one"),
        ("memo.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 encrypted", "encrypted"),
        ("tool.exe", b"MZ\x90\x00", "Upload a PDF, DOCX, HTML or plain-text"),
        ("notes.txt", b"\xff\xfe\x00\xd8 not utf-8", "not UTF-8"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_files_that_are_not_what_they_claim_or_cannot_be_read_are_refused(
    accepted_claim: Claim, reviewer: User, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        add_file(accepted_claim, reviewer, name, data)
    assert nothing_stored(accepted_claim)


def test_a_pdf_bomb_is_refused_by_its_pages_and_by_its_text(
    accepted_claim: Claim, reviewer: User, settings: Any
) -> None:
    many_pages = pdf(*[b""] * (settings.UPLOAD_MAX_PAGES + 1))
    with pytest.raises(ValidationError, match=f"more than {settings.UPLOAD_MAX_PAGES} pages"):
        add_file(accepted_claim, reviewer, "bomb.pdf", many_pages)
    # A few kilobytes that unpack to 1.2 million characters of text.
    page = b"BT /F1 1 Tf (" + b"A" * 200_000 + b") Tj ET"
    text_bomb = pdf(*[page] * 6)
    assert len(text_bomb) < 10_000
    with pytest.raises(ValidationError, match="more than 1,000,000 characters"):
        add_file(accepted_claim, reviewer, "bomb.pdf", text_bomb)
    assert nothing_stored(accepted_claim)


def test_a_docx_that_unpacks_to_too_much_is_refused(accepted_claim: Claim, reviewer: User) -> None:
    bomb = docx("A" * 51_000_000)  # compresses to about 50 kB
    with pytest.raises(ValidationError, match="unpacks to more text"):
        add_file(accepted_claim, reviewer, "bomb.docx", bomb)
    assert nothing_stored(accepted_claim)


def test_a_file_over_the_cap_is_refused(
    accepted_claim: Claim, reviewer: User, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match=r"larger than 0\.001 MB"):
        add_file(accepted_claim, reviewer, "notes.txt", b"212 million. " * 100)
    assert nothing_stored(accepted_claim)


def test_the_same_source_twice_is_refused_and_leaves_one_source(
    accepted_claim: Claim, reviewer: User
) -> None:
    evidence_add(claim=accepted_claim, user=reviewer, text=QUOTE, details=AUDITOR)
    with pytest.raises(ValidationError, match="already evidence"):
        evidence_add(claim=accepted_claim, user=reviewer, text=QUOTE, details=AUDITOR)
    assert Article.objects.filter(kind="interview").count() == 1
    assert Snapshot.objects.filter(article__kind="interview").count() == 1


class CountingBody:
    """A request body of `size` bytes that counts how much of it was read."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def read(self, wanted: int = -1) -> bytes:
        wanted = self.size - self.read_bytes if wanted < 0 else wanted
        chunk = min(wanted, self.size - self.read_bytes, 1 << 20)
        self.read_bytes += chunk
        return b"\0" * chunk

    def readline(self, wanted: int = -1) -> bytes:
        return self.read(wanted)


def huge_upload(client: Any, url: str) -> tuple[Any, CountingBody]:
    body = CountingBody(200_000_000)
    response = client.generic(
        "POST",
        url,
        b"x",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )
    return response, body


def test_a_200_mb_upload_is_refused_before_it_is_read(
    accepted_claim: Claim, reviewer: User, client_for: Any
) -> None:
    url = reverse("api-evidence-add", args=[accepted_claim.id])
    response, body = huge_upload(client_for(reviewer), url)
    assert response.status_code == 400
    assert response.json()["file"] == ["The upload is larger than 10 MB."]
    assert body.read_bytes == 0
    assert nothing_stored(accepted_claim)


def test_any_other_form_refuses_a_200_mb_body_before_reading_it(
    site_admin: User, client: Client
) -> None:
    client.force_login(site_admin)  # the CSRF check reads a form's body before any view
    response, body = huge_upload(client, reverse("admin:claims_article_add"))
    assert response.status_code == 400
    assert body.read_bytes == 0
    assert not Article.objects.exists()


def test_the_api_takes_a_quote_as_json_and_a_file_as_multipart(
    accepted_claim: Claim, reviewer: User, client_for: Any
) -> None:
    client = client_for(reviewer)
    url = reverse("api-evidence-add", args=[accepted_claim.id])
    details = {
        "source_name": "Riverton town auditor",
        "source_kind": "official_statement",
        "source_date": "2026-10-20",
        "supplied_by": "The auditor's office",
    }
    quoted = client.post(url, {"text": QUOTE, **details}, format="json")
    assert quoted.status_code == 201, quoted.content
    assert (quoted.json()["source_kind"], quoted.json()["supplied_by"]) == (
        "official_statement",
        "The auditor's office",
    )
    report = pdf(text_page("The audit puts the bridge at 212 million dollars."))
    filed = client.post(
        url, {"file": SimpleUploadedFile("audit.pdf", report), **details}, format="multipart"
    )
    assert filed.status_code == 201, filed.content
    fake = client.post(
        url,
        {"file": SimpleUploadedFile("fake.pdf", b"GIF89a"), **details},
        format="multipart",
    )
    assert fake.status_code == 400
    assert fake.json() == {"file": ["The file is called a PDF but is not one."]}
    empty = client.post(url, {"text": "", **details}, format="json")
    assert empty.status_code == 400
    assert accepted_claim.evidence.count() == 2


def test_the_admin_adds_an_uploaded_file_and_serves_it_only_as_text(
    accepted_claim: Claim, reviewer: User, client: Client
) -> None:
    client.force_login(reviewer)
    url = reverse("admin:claims_evidence_add", args=[accepted_claim.id])
    hostile = b"<html><body><p>The bridge cost 212 million dollars.</p><script>x()</script>"
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("page.html", hostile, content_type="text/html"),
            "source_name": "Council press office",
            "source_kind": "document",
            "source_date": "2026-10-20",
        },
    )
    assert response.status_code == 302
    evidence = accepted_claim.evidence.get()
    snapshot = evidence.source.snapshots.get()
    assert gzip.decompress(bytes(snapshot.body_gzip)) == hostile
    shown = client.get(reverse("admin:claims_evidence_snapshot", args=[snapshot.id]))
    assert shown["Content-Type"] == "text/plain; charset=utf-8"
    assert shown["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"<script>" not in shown.content
    assert b"212 million dollars" in shown.content


def test_the_admin_refuses_a_200_mb_upload_before_reading_it(
    accepted_claim: Claim, reviewer: User, client: Client
) -> None:
    client.force_login(reviewer)
    url = reverse("admin:claims_evidence_add", args=[accepted_claim.id])
    response, body = huge_upload(client, url)
    assert response.status_code == 303
    assert body.read_bytes == 0
    page = client.get(response["Location"])
    assert "The upload is larger than 10 MB." in page.content.decode()
    assert nothing_stored(accepted_claim)
