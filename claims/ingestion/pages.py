"""Turn fetched bytes or pasted text into an article's text and metadata."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import trafilatura
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from lxml import etree
from trafilatura.settings import Document
from trafilatura.xml import xmltotxt

from claims.ingestion.fetching import FetchedPage

MAX_TEXT_CHARS = 1_000_000
MAX_LINKS = 500
# Extraction time grows with the page's elements (a 4.6 MB page of nested tags held a worker
# for 110 s): a real article has thousands, so a page with more is refused before parsing.
# The seconds are bounded too, by the ingest task's time limit (factcheck/limits.py).
MAX_TAGS = 100_000

HTML_LANG = re.compile(
    rb"<html[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})?)", re.I
)
# "MOSCOW, November 5. /TASS/." and "WASHINGTON (Reuters) -" open wire stories.
AGENCY_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{1,40}, [A-Z][a-z]{2,9}\.? \d{1,2}\.? /(?P<agency>[A-Za-z][\w -]{0,30})/\.?\s+"
)
WIRE_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{1,40} \((?P<agency>[A-Za-z][\w ]{0,30})\) [-–—]\s+")
BYLINE = re.compile(r"^By (?P<author>[A-Z][\w.'’-]+(?:,? (?:and )?[A-Z][\w.'’-]+){0,5})$")


class ExtractionError(Exception):
    """No readable text could be found; the message says why, for people."""


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class PageContent:
    text: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    published_at: datetime | None = None
    language: str = ""
    canonical_url: str = ""
    links: list[Link] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """Collapse runs of spaces, keep paragraph breaks, strip the ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
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
    """Return the main text and metadata of a page, leaving out navigation and ads."""
    if page.content_type == "text/plain":
        return read_pasted(_decoded(page))
    if page.body.count(b"<") > MAX_TAGS:  # each element opens with one; a cheap upper bound
        raise ExtractionError(f"The page has more than {MAX_TAGS:,} HTML tags.")
    document = trafilatura.bare_extraction(
        _decoded(page) if page.charset else page.body,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        include_links=True,
    )
    if not isinstance(document, Document) or document.body is None:
        raise ExtractionError("No main text was found on the page.")
    links = _links(document.body)
    etree.strip_tags(document.body, "ref")  # keep the anchor text, drop the link markup
    title = (document.title or "")[:500]
    text = _without_heading(normalise_text(xmltotxt(document.body, False) or ""), title)
    if not text:
        raise ExtractionError("No main text was found on the page.")
    check_text_size(text)
    return PageContent(
        text=text,
        title=title,
        author=(document.author or "")[:300],
        publisher=(document.sitename or "")[:300],
        published_at=parse_published(document.date or ""),
        language=(document.language or _html_lang(page.body))[:16],
        canonical_url=trusted_canonical(document.url or "", page.url),
        links=links,
    )


def trusted_canonical(declared: str, fetched_url: str) -> str:
    """Return the canonical URL a page declares (link rel=canonical, og:url), if it may stand
    for the page: on the site it was fetched from, and not the fetched URL itself.

    Articles are deduplicated by canonical URL, so a page naming another site's URL would
    take over that URL's identity: later submissions and evidence for it would get the
    planted text with no fetch, and a published check would link the trusted URL to it.
    """
    if not declared or declared == fetched_url:
        return ""
    return declared if same_site(declared, fetched_url) else ""


def same_site(url: str, other: str) -> bool:
    """Whether two http(s) URLs are on one host (a leading "www." aside)."""
    hosts = [urlsplit(each) for each in (url, other)]
    if any(parts.scheme not in ("http", "https") or not parts.hostname for parts in hosts):
        return False
    names = [(parts.hostname or "").removeprefix("www.") for parts in hosts]
    return names[0] == names[1]


def _decoded(page: FetchedPage) -> str:
    """Decode with the declared charset; if there is none, or it lies, detect it."""
    if page.charset:
        try:
            return page.body.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return str(trafilatura.utils.decode_file(page.body))


def _links(body: etree._Element) -> list[Link]:
    links = []
    for ref in body.iter("ref"):
        url = (ref.get("target") or "").strip()
        if url.startswith(("http://", "https://")):
            links.append(Link(url=url[:2000], text=normalise_text("".join(ref.itertext()))[:300]))
    return links[:MAX_LINKS]


def _without_heading(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip() == title.strip() and rest.strip() else text


def _html_lang(body: bytes) -> str:
    match = HTML_LANG.search(body[:4096])
    return match.group(1).decode().lower() if match else ""


def read_pasted(text: str, title: str = "") -> PageContent:
    """Return the article in pasted text, without site navigation, byline or dateline.

    Pasted articles often start with a site's section links ("All news"), then the
    headline, a standfirst that repeats the first paragraph, a byline and a wire dateline
    ("MOSCOW, November 5. /TASS/."). The headline becomes the title if none is given, the
    agency the publisher, the byline the author; the rest is left out of the text.
    """
    paragraphs = [line.strip() for line in normalise_text(text).split("\n") if line.strip()]
    while len(paragraphs) > 2 and _is_navigation(paragraphs[0], paragraphs[1]):
        paragraphs.pop(0)
    if not title and len(paragraphs) > 1 and _is_headline(paragraphs[0]):
        title = paragraphs.pop(0)
    author = _take_byline(paragraphs)
    _drop_repeated_standfirst(paragraphs)
    publisher = _strip_dateline(paragraphs)
    body = "\n\n".join(paragraphs)
    if not body:
        raise ExtractionError("The text is empty.")
    check_text_size(body)
    return PageContent(text=body, title=title[:500], author=author, publisher=publisher)


def _is_navigation(line: str, next_line: str) -> bool:
    """A short label with no sentence punctuation, followed by a headline, not by prose."""
    return len(line.split()) <= 3 and not _ends_sentence(line) and not _ends_sentence(next_line)


def _is_headline(line: str) -> bool:
    return len(line.split()) <= 30 and not _ends_sentence(line)


def _ends_sentence(line: str) -> bool:
    return line.rstrip("\"'”’)").endswith((".", "!", "?", ":"))


def _take_byline(paragraphs: list[str]) -> str:
    for index, paragraph in enumerate(paragraphs[:4]):
        match = BYLINE.match(paragraph)
        if match:
            del paragraphs[index]
            return match.group("author")[:300]
    return ""


def _drop_repeated_standfirst(paragraphs: list[str]) -> None:
    """Drop a lead paragraph that the body repeats word for word."""
    for index, paragraph in enumerate(paragraphs[:3]):
        later = paragraphs[index + 1 :]
        if len(paragraph) > 20 and any(other.startswith(paragraph) for other in later):
            del paragraphs[index]
            return


def _strip_dateline(paragraphs: list[str]) -> str:
    for index, paragraph in enumerate(paragraphs[:4]):
        match = AGENCY_DATELINE.match(paragraph) or WIRE_DATELINE.match(paragraph)
        if match:
            paragraphs[index] = paragraph[match.end() :]
            return match.group("agency").strip()[:300]
    return ""


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
