"""Articles in: submission, ingestion (fetch, extract, store), retry, and an editor's
correction of where and when an article appeared."""

import gzip
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import tasks
from claims.extraction.segmentation import detect_language
from claims.ingestion.documents import Upload, read_upload, upload_kind
from claims.ingestion.fetching import FetchedPage, FetchError, check_url, fetch
from claims.ingestion.pages import (
    ExtractionError,
    PageContent,
    check_text_size,
    content_hash,
    extract_page,
    normalise_text,
    read_pasted,
)
from claims.models import Article, ArticleSourceCorrection, Snapshot
from factcheck.api import midnight
from factcheck.auth import require_perm
from factcheck.languages import normalise_language

MAX_ATTEMPTS = 3
# 15 s, then 30 s: both shorter than the sweep's wait for a queued article (STUCK_AFTER),
# which would otherwise send it before its turn.
RETRY_BACKOFF_SECONDS = 15


@dataclass(frozen=True)
class Submission:
    article: Article
    created: bool


def article_submit(
    *,
    url: str = "",
    text: str = "",
    title: str = "",
    publisher: str = "",
    published_at: datetime | None = None,
    submitted_by: User | None = None,
) -> Submission:
    """Store a new article and queue its ingestion.

    Give a URL to have it fetched, or paste the text (optionally with the URL it came
    from, which is then recorded but not fetched). The same URL or the same text gives
    back the stored article instead, with `created` False.
    """
    require_perm(submitted_by, "claims.add_article")
    url = url.strip()
    if url:
        _check_fetchable(url)
    if not url and not text.strip():
        raise ValidationError("Give either a URL or the article's text.")
    pasted = _read_pasted(text, title) if text.strip() else None
    existing = _existing_article(url, pasted)
    if existing:
        return Submission(existing, created=False)
    article = Article(
        url=url,
        title=title.strip() or (pasted.title if pasted else ""),
        publisher=publisher.strip() or (pasted.publisher if pasted else ""),
        author=pasted.author if pasted else "",
        published_at=published_at,
        submitted_by=submitted_by,
    )
    if pasted:
        article.text, article.content_hash = pasted.text, content_hash(pasted.text)
    # The database enforces the constraints (and duplicates were looked up above);
    # validating them here too would cost one query each.
    article.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # The same URL or text submitted at the same moment (two editors, a client sending
        # twice): the other submission stored it between the lookup above and this save.
        existing = _existing_article(url, pasted)
        if existing is None:
            raise
        return Submission(existing, created=False)
    tasks.ingest_article.delay_on_commit(article.id)
    return Submission(article, created=True)


def _check_fetchable(url: str) -> None:
    try:
        check_url(url)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None


def _read_pasted(text: str, title: str) -> PageContent:
    try:
        return read_pasted(text, title.strip())
    except ExtractionError as error:
        raise ValidationError({"text": str(error)}) from None


def _existing_article(url: str, pasted: PageContent | None) -> Article | None:
    same = Q(pk__in=[])
    if url:
        same |= Article.having("url", url) | Article.having("canonical_url", url)
    if pasted:
        same |= Article.having("content_hash", content_hash(pasted.text))
    return Article.objects.filter(same).order_by("id").first()


def article_ingest(*, article_id: int, task_id: str = "", redelivered: bool = False) -> None:
    """Fetch (for URLs) and extract a queued article, then queue claim extraction.

    Transient failures (timeouts, 5xx) are tried again later with growing delays, up to
    MAX_ATTEMPTS; anything else fails the article at once with its reason. `task_id` is the
    message's: `redelivered` (sent back after its worker died, or retried), it takes the
    article back at once. A second copy of a message still running is not redelivered, and
    finds the article taken.
    """
    held = _held_by(task_id) if redelivered else Q(pk__in=[])
    # Claim the work: only one worker moves a queued article to fetching.
    claimed = (
        Article.objects.filter(Q(status=Article.Status.QUEUED) | held)
        .filter(id=article_id)
        .update(
            status=Article.Status.FETCHING,
            attempts=F("attempts") + 1,
            ingest_task_id=task_id,
            status_changed_at=timezone.now(),
        )
    )
    if not claimed:
        if redelivered:
            _lost_proposal_send(article_id, task_id)
        return
    article = Article.objects.get(id=article_id)
    page = None
    try:
        if article.text:
            content = PageContent(text=article.text)
        else:
            page = fetch(article.url)
            content = extract_page(page)
    except FetchError as error:
        _fetch_failed(article, error)
        return
    except ExtractionError as error:
        _article_fail(article, str(error))
        return
    _article_store(article, content, page)


def _held_by(task_id: str) -> Q:
    """An article this message was fetching when its run ended early (a killed worker, a
    database error); its attempts are counted, so a page that kills its worker is given up."""
    if not task_id:
        return Q(pk__in=[])
    return Q(status=Article.Status.FETCHING, ingest_task_id=task_id, attempts__lt=MAX_ATTEMPTS)


def _lost_proposal_send(article_id: int, task_id: str) -> None:
    """Send the claim proposal this message's earlier run queued, if it may have been lost.

    When the database connection breaks during COMMIT, the article can be stored while the
    worker sees an error: the proposal queued on commit is dropped, and the task is retried.
    The retry finds the article extracted by this very message and not yet proposed, so it
    sends the proposal now instead of leaving it to the sweep (UNPROPOSED_AFTER, minutes).
    Proposing twice adds nothing twice (claims_propose), so an unneeded send costs only time.
    """
    lost = Article.objects.filter(
        id=article_id,
        status=Article.Status.EXTRACTED,
        ingest_task_id=task_id,
        proposes_claims=True,
        candidates_proposed_at=None,
    )
    if task_id and lost.exists():
        tasks.propose_claims.delay_on_commit(article_id)


def _fetch_failed(article: Article, error: FetchError) -> None:
    if not error.transient or article.attempts >= MAX_ATTEMPTS:
        _article_fail(article, str(error))
        return
    delay = RETRY_BACKOFF_SECONDS * 2 ** (article.attempts - 1)
    with transaction.atomic():
        Article.objects.filter(id=article.id).update(
            status=Article.Status.QUEUED,
            failure_reason=f"{error} Trying again in {delay} s.",
            status_changed_at=timezone.now(),
        )
        tasks.ingest_article.apply_async_on_commit((article.id,), countdown=delay)


STORED_BY_EXTRACTION = [
    "fetched_at", "text", "content_hash", "canonical_url", "title", "author", "publisher",
    "published_at", "language", "links", "status", "failure_reason", "status_changed_at",
    "proposes_claims",
]  # fmt: skip


@transaction.atomic
def _article_store(
    article: Article, content: PageContent, page: FetchedPage | None, *, propose: bool = True
) -> None:
    duplicate = _duplicate_of(article, content)
    if duplicate:
        article.duplicate_of = duplicate
        _article_fail(article, f"Same article as #{duplicate.id} ({duplicate}).")
        return
    if page:
        _store_snapshot(article, page)
    _article_fill(article, content, page, propose=propose)
    # Only what extraction found: the rest (attempts, the message holding it) belongs to
    # the conditional updates that claim the work, and may have moved since it was read.
    article.save(update_fields=STORED_BY_EXTRACTION)
    if propose:
        tasks.propose_claims.delay_on_commit(article.id)


def _article_fill(
    article: Article, content: PageContent, page: FetchedPage | None, *, propose: bool
) -> None:
    """Set what was read of the page on the article, extracted (not saved)."""
    if page:
        article.fetched_at = page.fetched_at
    article.text = content.text
    article.content_hash = content_hash(content.text)
    article.canonical_url = content.canonical_url
    article.title = article.title or content.title
    article.author = article.author or content.author
    article.publisher = article.publisher or content.publisher
    article.published_at = article.published_at or content.published_at
    article.language = _language(content)
    article.links = [{"url": link.url, "text": link.text} for link in content.links]
    article.status = Article.Status.EXTRACTED
    article.failure_reason = ""
    article.status_changed_at = timezone.now()
    article.proposes_claims = propose


def _language(content: PageContent) -> str:
    """Return the page's language tag as stored: declared by the page if it names a
    language, else detected in its text."""
    return normalise_language(content.language) or normalise_language(detect_language(content.text))


def _duplicate_of(article: Article, content: PageContent) -> Article | None:
    same = Article.having("content_hash", content_hash(content.text))
    if content.canonical_url:
        canonical = content.canonical_url
        same |= Article.having("canonical_url", canonical) | Article.having("url", canonical)
    return Article.objects.filter(same).exclude(id=article.id).order_by("id").first()


def _store_snapshot(article: Article, page: FetchedPage) -> None:
    # One INSERT that keeps the row already there when a retried ingest stored this body
    # before (unique on article and sha256), where get_or_create took four statements.
    Snapshot.objects.bulk_create([_snapshot(article, page)], ignore_conflicts=True)


def _snapshot(article: Article, page: FetchedPage) -> Snapshot:
    return Snapshot(
        article=article,
        sha256=page.sha256,
        url=page.url,
        content_type=page.content_type,
        body_gzip=gzip.compress(page.body),
        size=len(page.body),
        fetched_at=page.fetched_at,
    )


def _article_fail(article: Article, reason: str) -> None:
    article.status = Article.Status.FAILED
    article.failure_reason = reason
    article.status_changed_at = timezone.now()
    article.save(update_fields=["status", "failure_reason", "status_changed_at", "duplicate_of"])


def article_give_up(article: Article) -> None:
    _article_fail(article, f"Gave up after {article.attempts} attempts.")


def article_retry(*, article: Article, user: User | None) -> Article:
    """Queue a failed article again, with a fresh count of attempts."""
    require_perm(user, "claims.change_article")
    with transaction.atomic():
        retried = Article.objects.filter(id=article.id, status=Article.Status.FAILED).update(
            status=Article.Status.QUEUED,
            attempts=0,
            failure_reason="",
            duplicate_of=None,
            status_changed_at=timezone.now(),
        )
        if not retried:
            raise ValidationError("Only failed articles can be retried.")
        tasks.ingest_article.delay_on_commit(article.id)
    article.refresh_from_db()
    return article


def source_store(
    *,
    url: str,
    text: str = "",
    title: str = "",
    publisher: str = "",
    published_at: datetime | None = None,
    page: FetchedPage | None = None,
) -> Article:
    """Return the stored article for an evidence source, fetching and extracting it if new.

    Sources go through the same safe fetch and extraction as articles under check (or,
    with `text` from an API, the same cleaning) and are deduplicated alike; no claims are
    proposed from them. `page` is the page when it was already fetched (in parallel with
    others). Raises FetchError or ExtractionError when the page cannot be had.
    """
    if not (text and _our_page(url)):  # our own pages are linked, never fetched
        check_url(url)  # even for text from an API: the URL is shown to reviewers as a link
    stored = _stored_source(url)
    if stored:
        return stored
    if text:
        content = PageContent(text=normalise_text(text), title=title)
    else:
        page = page or fetch(url)
        content = extract_page(page)
    check_text_size(content.text)
    article = Article(url=url, title=title[:500], publisher=publisher, published_at=published_at)
    try:
        with transaction.atomic():
            article.save()
            _article_store(article, content, page, propose=False)
    except IntegrityError:  # another job stored the same source at the same moment
        stored = _stored_source(url)
        if stored is None:
            raise
        return stored
    if article.status == Article.Status.FAILED and article.duplicate_of:
        return article.duplicate_of
    return article


def _our_page(url: str) -> bool:
    return url.startswith(settings.SITE_URL + "/")


def _stored_source(url: str) -> Article | None:
    same = Article.having("url", url) | Article.having("canonical_url", url)
    stored = Article.objects.filter(same).order_by("id").first()
    if stored and stored.duplicate_of_id:
        stored = stored.duplicate_of
    if stored is None or stored.status == Article.Status.EXTRACTED:
        return stored
    raise FetchError(f"The source is stored but not readable ({stored.status}).")


@dataclass(frozen=True)
class NewSource:
    """One source for `sources_store`: what `source_store` takes."""

    url: str
    text: str = ""
    title: str = ""
    publisher: str = ""
    published_at: datetime | None = None
    page: FetchedPage | None = None


def sources_store(sources: Sequence[NewSource]) -> list[Article | None]:
    """Store several sources as `source_store` would one after the other, and return each
    one's article, or None where `source_store` would raise (a page that cannot be had or
    read).

    One query finds the sources stored already, one the stored articles the new ones
    duplicate, and one transaction inserts the new articles and their snapshots, where one
    by one a provider's ten sources took some eighty statements. Should another job store
    one of them at the same moment, they are stored one by one instead.
    """
    allowed = [_url_allowed(source) for source in sources]
    stored = _stored_by_url([s.url for s, ok in zip(sources, allowed, strict=True) if ok])
    contents = [
        _source_content(source) if ok and source.url not in stored else None
        for source, ok in zip(sources, allowed, strict=True)
    ]
    batch = _SourceBatch(stored, _duplicate_candidates([c for c in contents if c]))
    for source, ok, content in zip(sources, allowed, contents, strict=True):
        batch.add(source, content, allowed=ok)
    try:
        batch.save()
    except IntegrityError:  # another job stored one of them at the same moment
        return [_source_or_none(source) for source in sources]
    return batch.results


def _url_allowed(source: NewSource) -> bool:
    """Whether `source_store` lets the source's URL through (ours are linked, not fetched)."""
    if source.text and _our_page(source.url):
        return True
    try:
        check_url(source.url)
    except FetchError:
        return False
    return True


def _source_content(source: NewSource) -> PageContent | None:
    """The text of a source not stored yet, or None when it cannot be had or read."""
    try:
        if source.text:
            content = PageContent(text=normalise_text(source.text), title=source.title)
        else:
            content = extract_page(source.page or fetch(source.url))
        check_text_size(content.text)
    except (FetchError, ExtractionError):
        return None
    return content


def _stored_by_url(urls: list[str]) -> dict[str, Article]:
    """For each URL, the first stored article with that URL or canonical URL."""
    found: dict[str, Article] = {}
    if not urls:
        return found
    same = Article.having("url", *urls) | Article.having("canonical_url", *urls)
    for article in Article.objects.filter(same).select_related("duplicate_of").order_by("id"):
        for url in (article.url, article.canonical_url):
            if url:
                found.setdefault(url, article)
    return found


def _duplicate_candidates(contents: list[PageContent]) -> list[Article]:
    """The stored articles with the text or the canonical URL of any of `contents`."""
    if not contents:
        return []
    canonical = [content.canonical_url for content in contents if content.canonical_url]
    same = Article.having("content_hash", *[content_hash(content.text) for content in contents])
    if canonical:
        same |= Article.having("canonical_url", *canonical) | Article.having("url", *canonical)
    return list(Article.objects.filter(same).order_by("id"))


class _SourceBatch:
    """The rows `sources_store` adds, decided source by source in order, as one by one: a
    source's URL or text may be one that an earlier source of the same batch brought."""

    def __init__(self, stored: dict[str, Article], candidates: list[Article]) -> None:
        self.stored = stored
        # Those a new source may duplicate, in the order of their ids: stored, then new.
        self.candidates = candidates
        self.new: list[tuple[Article, FetchedPage | None]] = []
        self.results: list[Article | None] = []

    def add(self, source: NewSource, content: PageContent | None, *, allowed: bool) -> None:
        earlier = self.stored.get(source.url) or self._new_with_url(source.url)
        if not allowed or earlier is not None or content is None:
            self.results.append(_readable(earlier) if allowed and earlier else None)
            return
        article = Article(
            url=source.url,
            title=source.title[:500],
            publisher=source.publisher,
            published_at=source.published_at,
        )
        duplicate = self._duplicate_of(content)
        if duplicate is not None:
            article.duplicate_of, article.status = duplicate, Article.Status.FAILED
            article.status_changed_at = timezone.now()
        else:
            _article_fill(article, content, source.page, propose=False)
        self.results.append(duplicate or article)
        self.candidates.append(article)
        self.new.append((article, source.page))

    def _new_with_url(self, url: str) -> Article | None:
        for article, _ in self.new:
            if url in (article.url, article.canonical_url):
                return article
        return None

    def _duplicate_of(self, content: PageContent) -> Article | None:
        """What `_duplicate_of` would find: the first article with the same text, or with
        the page's canonical URL as its own or as its URL."""
        digest, canonical = content_hash(content.text), content.canonical_url
        for article in self.candidates:
            if article.content_hash == digest or (
                canonical and canonical in (article.canonical_url, article.url)
            ):
                return article
        return None

    @transaction.atomic
    def save(self) -> None:
        # A duplicate of a source new in this batch goes in after it: its reason names its id.
        new = {id(article) for article, _ in self.new}
        ahead = [article for article, _ in self.new if id(article.duplicate_of) not in new]
        after = [article for article, _ in self.new if id(article.duplicate_of) in new]
        for articles in (ahead, after):
            for article in articles:
                if article.duplicate_of is not None:
                    duplicate = article.duplicate_of
                    article.failure_reason = f"Same article as #{duplicate.id} ({duplicate})."
            Article.objects.bulk_create(articles)
        snapshots = [
            _snapshot(article, page)
            for article, page in self.new
            if page is not None and article.status == Article.Status.EXTRACTED
        ]
        Snapshot.objects.bulk_create(snapshots, ignore_conflicts=True)


def _readable(article: Article) -> Article | None:
    """A stored source as `_stored_source` gives it: None where that raises."""
    if article.duplicate_of is not None:
        article = article.duplicate_of
    return article if article.status == Article.Status.EXTRACTED else None


def _source_or_none(source: NewSource) -> Article | None:
    try:
        return source_store(
            url=source.url,
            text=source.text,
            title=source.title,
            publisher=source.publisher,
            published_at=source.published_at,
            page=source.page,
        )
    except (FetchError, ExtractionError):
        return None


@dataclass(frozen=True)
class SourceDetails:
    """Where a source a reviewer supplies comes from: whose words or document it is."""

    name: str
    kind: str
    date: date | None
    url: str = ""
    supplied_by: str = ""
    title: str = ""


@transaction.atomic
def source_supply(
    *, details: SourceDetails, text: str = "", upload: Upload | None = None, user: User | None
) -> Article:
    """Store a pasted text (a quote, a statement) or an uploaded file as a source article,
    with a snapshot of exactly what was given; return the stored one if the same text is
    stored already. Raises ValidationError, keyed by the field at fault; writes nothing then.

    The URL, if given, is where the source can be seen; it is recorded, not fetched.
    """
    _check_details(details)
    content, snapshot = _supplied_content(text, upload)
    same = (
        Article.objects.filter(Article.having("content_hash", content_hash(content.text)))
        .order_by("id")
        .first()
    )
    if same is not None:
        return same.duplicate_of or same
    kind = Article.Kind(details.kind)
    article = Article(
        url=details.url.strip(),
        title=(details.title.strip() or content.title or f"{kind.label}: {details.name}")[:500],
        publisher=details.name.strip()[:300],
        author=content.author,
        published_at=midnight(details.date) if details.date else None,
        kind=kind,
        supplied_by=details.supplied_by.strip()[:300],
        submitted_by=user,
        text=content.text,
        content_hash=content_hash(content.text),
        language=_language(content),
        links=[{"url": link.url, "text": link.text} for link in content.links],
        status=Article.Status.EXTRACTED,
        fetched_at=timezone.now(),
        proposes_claims=False,  # a source: the sweep must never propose claims from it
    )
    article.save()
    snapshot.article, snapshot.url = article, article.url
    snapshot.save()
    return article


def _check_details(details: SourceDetails) -> None:
    errors = {}
    if not details.name.strip():
        errors["source_name"] = "Name the source: whose words or document it is."
    if details.kind not in Article.SUPPLIED_KINDS:
        kinds = ", ".join(Article.SUPPLIED_KINDS)
        errors["source_kind"] = f"Choose what the source is: {kinds}."
    if details.date is None:
        errors["source_date"] = "Give the date of the source (when it was said or published)."
    url = details.url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["source_url"] = "The source's URL is not an http(s) URL."
        same = Article.objects.filter(Article.having("url", url))
        stored = same.values_list("id", flat=True).first()
        if stored is not None:
            errors["source_url"] = (
                f"This URL is stored already (source #{stored}): add it by URL instead, "
                "or leave the URL out."
            )
    if errors:
        raise ValidationError(errors)


def _supplied_content(text: str, upload: Upload | None) -> tuple[PageContent, Snapshot]:
    """Read the text or the file; return its content and its unsaved snapshot."""
    if bool(text.strip()) == (upload is not None):
        raise ValidationError("Paste a text or upload a file (one of them).")
    try:
        if upload is not None:
            content, body = read_upload(upload), upload.data
            name, content_type = upload.name[:255], upload_kind(upload)
        else:
            content, body = read_pasted(text), normalise_text(text).encode()
            name, content_type = "", "text/plain"
    except ExtractionError as error:
        raise ValidationError({"file" if upload else "text": str(error)}) from None
    snapshot = Snapshot(
        url="",
        filename=name,
        content_type=content_type,
        sha256=hashlib.sha256(body).hexdigest(),
        body_gzip=gzip.compress(body),
        size=len(body),
        fetched_at=timezone.now(),
    )
    return content, snapshot


@transaction.atomic
def article_source_correct(
    *,
    article: Article,
    user: User,
    url: str | None = None,
    publisher: str | None = None,
    published_at: datetime | None = None,
) -> Article:
    """Correct where and when an article appeared (its canonical URL, publisher, date), and
    record who changed what; the next published version of a check of its claims shows it.
    Fields given as None are left as they are."""
    require_perm(user, "claims.change_article")
    article = Article.objects.select_for_update().get(id=article.id)
    wanted = {"canonical_url": url, "publisher": publisher, "published_at": published_at}
    changes = {
        field: {"old": getattr(article, field), "new": value}
        for field, value in wanted.items()
        if value is not None and value != getattr(article, field)
    }
    if not changes:
        return article
    if "canonical_url" in changes:
        _check_source_url(article, changes["canonical_url"]["new"])
    for field, change in changes.items():
        setattr(article, field, change["new"])
    article.full_clean(validate_constraints=False)
    article.save(update_fields=list(changes))
    ArticleSourceCorrection.objects.create(article=article, actor=user, changes=_as_json(changes))
    return article


def _check_source_url(article: Article, url: str) -> None:
    _check_fetchable(url)
    same = Article.objects.filter(
        Article.having("url", url) | Article.having("canonical_url", url)
    ).exclude(id=article.id)
    other = same.values_list("id", flat=True).first()
    if other is not None:
        raise ValidationError({"url": f"Article #{other} already has this URL."})


def _as_json(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        field: {key: value.isoformat() if isinstance(value, datetime) else value
                for key, value in change.items()}
        for field, change in changes.items()
    }  # fmt: skip
