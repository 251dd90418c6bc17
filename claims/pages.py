"""Turn fetched bytes or pasted text into an article's text and metadata."""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from trafilatura.settings import Document

from .fetching import FetchedPage

MAX_TEXT_CHARS = 1_000_000


class ExtractionError(Exception):
    """No readable text could be found; the message says why, for people."""


@dataclass(frozen=True)
class PageContent:
    text: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    published_at: datetime | None = None
    language: str = ""
    canonical_url: str = ""


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, keep paragraph breaks, strip the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()


def check_text_size(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(f"The text is longer than {MAX_TEXT_CHARS:,} characters.")


def extract_page(page: FetchedPage) -> PageContent:
    """Return the main text and metadata of an HTML page, leaving out navigation and ads."""
    if page.content_type == "text/plain":
        return PageContent(text=_plain_text(page))
    document = trafilatura.bare_extraction(
        page.body, url=page.url, with_metadata=True, include_comments=False
    )
    if not isinstance(document, Document) or not document.text:
        raise ExtractionError("No main text was found on the page.")
    text = normalise_text(document.text)
    check_text_size(text)
    return PageContent(
        text=text,
        title=(document.title or "")[:500],
        author=(document.author or "")[:300],
        publisher=(document.sitename or "")[:300],
        published_at=parse_published(document.date or ""),
        language=(document.language or "")[:16],
        canonical_url=document.url if document.url and document.url != page.url else "",
    )


def _plain_text(page: FetchedPage) -> str:
    text = normalise_text(page.body.decode(page.charset or "utf-8", errors="replace"))
    check_text_size(text)
    return text


def parse_published(value: str) -> datetime | None:
    """Return an aware datetime from an ISO date or datetime string, or None."""
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:  # well formed but impossible, like 2021-02-30
        return None
    if day is not None:
        moment = datetime(day.year, day.month, day.day)
    if moment is not None and is_naive(moment):
        moment = make_aware(moment)
    return moment
