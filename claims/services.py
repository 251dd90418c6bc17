"""Every change to articles, claims and evidence goes through a function here.

The admin, the API and the Celery tasks all call these; none of them writes models directly.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import tasks
from .extraction import claim_core, propose_candidates
from .fetching import FetchError, check_url, fetch
from .models import Article, Claim, Evidence
from .pages import (
    ExtractionError,
    PageContent,
    check_text_size,
    content_hash,
    extract_page,
    normalise_text,
)
from .passages import best_passage, query_terms
from .sources import archive

# Work whose state has not moved for this long is assumed lost (a killed worker, a
# flushed broker) and is enqueued again by the periodic sweep.
STUCK_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3
EVIDENCE_PER_CLAIM = 5
SEARCH_DEPTH = 20
MIN_PASSAGE_SHARE = 0.2


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
    """Store a new article (a URL to fetch or pasted text) and queue its ingestion.

    The same URL or the same text gives back the existing article instead.
    """
    _require_perm(submitted_by, "claims.add_article")
    url, text = url.strip(), normalise_text(text)
    if bool(url) == bool(text):
        raise ValidationError("Give either a URL or the article's text, not both.")
    existing = _existing_article(url, text)
    if existing:
        return Submission(existing, created=False)
    article = Article(
        url=url,
        text=text,
        content_hash=content_hash(text) if text else "",
        title=title.strip(),
        publisher=publisher.strip(),
        published_at=published_at,
        submitted_by=submitted_by,
    )
    if url:
        _check_fetchable(url)
    else:
        _check_size(text)
    article.full_clean()
    article.save()
    tasks.ingest_article.delay_on_commit(article.id)
    return Submission(article, created=True)


def _existing_article(url: str, text: str) -> Article | None:
    if url:
        return Article.objects.filter(Q(url=url) | Q(canonical_url=url)).first()
    return Article.objects.filter(content_hash=content_hash(text)).first()


def _check_fetchable(url: str) -> None:
    try:
        check_url(url)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None


def _check_size(text: str) -> None:
    try:
        check_text_size(text)
    except ExtractionError as error:
        raise ValidationError({"text": str(error)}) from None


def article_ingest(*, article_id: int) -> None:
    """Fetch (for URLs) and extract a queued article, then queue claim extraction."""
    # Claim the work: only one worker moves a queued article to fetching.
    claimed = Article.objects.filter(id=article_id, status=Article.Status.QUEUED).update(
        status=Article.Status.FETCHING, attempts=F("attempts") + 1, status_changed_at=timezone.now()
    )
    if not claimed:
        return
    article = Article.objects.get(id=article_id)
    try:
        content = _read(article)
    except (FetchError, ExtractionError) as error:
        _article_fail(article, str(error))
        return
    duplicate = _duplicate_of(article, content)
    if duplicate:
        _article_fail(article, f"Same article as #{duplicate.id} ({duplicate}).")
        return
    _article_store(article, content)


def _read(article: Article) -> PageContent:
    if not article.url:
        return PageContent(text=article.text)
    page = fetch(article.url)
    article.fetched_at = page.fetched_at
    return extract_page(page)


def _duplicate_of(article: Article, content: PageContent) -> Article | None:
    same = Q(content_hash=content_hash(content.text))
    if content.canonical_url:
        same |= Q(canonical_url=content.canonical_url) | Q(url=content.canonical_url)
    return Article.objects.filter(same).exclude(id=article.id).first()


@transaction.atomic
def _article_store(article: Article, content: PageContent) -> None:
    article.text = content.text
    article.content_hash = content_hash(content.text)
    article.canonical_url = content.canonical_url
    article.title = article.title or content.title
    article.author = content.author
    article.publisher = article.publisher or content.publisher
    article.published_at = article.published_at or content.published_at
    article.language = content.language
    article.status = Article.Status.EXTRACTED
    article.failure_reason = ""
    article.status_changed_at = timezone.now()
    article.save()
    tasks.propose_claims.delay_on_commit(article.id)


def _article_fail(article: Article, reason: str) -> None:
    article.status = Article.Status.FAILED
    article.failure_reason = reason
    article.status_changed_at = timezone.now()
    article.save(update_fields=["status", "failure_reason", "status_changed_at", "fetched_at"])


def claims_propose(*, article_id: int) -> int:
    """Add the article's claim candidates; return how many were new.

    Candidates are keyed by their span, so running this again adds nothing twice and
    never touches a claim an editor has already accepted, edited or dismissed.
    """
    article = Article.objects.get(id=article_id, status=Article.Status.EXTRACTED)
    proposed = [
        Claim(
            article=article,
            text=candidate.text,
            span_start=candidate.span_start,
            span_end=candidate.span_end,
            claimant=candidate.claimant,
            article_stance=candidate.article_stance,
            stance_cue=candidate.stance_cue,
            checkworthiness=candidate.checkworthiness,
        )
        for candidate in propose_candidates(article.text)
    ]
    with transaction.atomic():
        before = article.claims.count()
        Claim.objects.bulk_create(proposed, ignore_conflicts=True)
        Article.objects.filter(id=article.id).update(candidates_proposed_at=timezone.now())
        return article.claims.count() - before


@transaction.atomic
def claim_accept(*, claim: Claim, user: User) -> Claim:
    """Accept a candidate as a claim to check, and queue evidence gathering for it."""
    _require_perm(user, "claims.change_claim")
    claim = Claim.objects.select_for_update().get(id=claim.id)
    if claim.status == Claim.Status.ACCEPTED:
        return claim
    claim.status = Claim.Status.ACCEPTED
    claim.accepted_by = user
    claim.accepted_at = timezone.now()
    claim.gathering = Claim.Gathering.PENDING
    claim.gathering_changed_at = claim.accepted_at
    claim.save(
        update_fields=["status", "accepted_by", "accepted_at", "gathering", "gathering_changed_at"]
    )
    tasks.gather_evidence.delay_on_commit(claim.id)
    return claim


def evidence_gather(*, claim_id: int) -> int:
    """Search the archive for the claim and store the best passages; return how many are new."""
    claim = Claim.objects.select_related("article").get(id=claim_id)
    if claim.gathering != Claim.Gathering.PENDING:
        return 0
    Claim.objects.filter(id=claim.id).update(gathering_attempts=F("gathering_attempts") + 1)
    terms = query_terms(claim_core(claim.text))
    hits = archive.search_archive(terms, exclude_article_id=claim.article_id, limit=SEARCH_DEPTH)
    evidence = _ranked_evidence(
        claim, Article.objects.in_bulk([hit.article_id for hit in hits]), terms
    )
    with transaction.atomic():
        before = claim.evidence.count()
        Evidence.objects.bulk_create(evidence, ignore_conflicts=True)
        Claim.objects.filter(id=claim.id).update(
            gathering=Claim.Gathering.DONE, gathering_error="", gathering_changed_at=timezone.now()
        )
        return claim.evidence.count() - before


def _ranked_evidence(claim: Claim, sources: dict[int, Article], terms: list[str]) -> list[Evidence]:
    """Keep the sources whose best passage shares enough of the claim's words, best first.

    Search ranks whole documents, where short unrelated articles can score well; the
    passage's share of the claim's terms is what a reviewer cares about.
    """
    passages = []
    for source in sources.values():
        passage, share = best_passage(source.text, terms)
        if share >= MIN_PASSAGE_SHARE:
            passages.append((share, source, passage))
    passages.sort(key=lambda found: (-found[0], found[1].id))
    now = timezone.now()
    return [
        Evidence(
            claim=claim,
            source=source,
            provider=archive.NAME,
            passage=passage,
            rank=rank,
            relevance=share,
            snapshot_hash=source.content_hash,
            retrieved_at=now,
        )
        for rank, (share, source, passage) in enumerate(passages[:EVIDENCE_PER_CLAIM], start=1)
    ]


def stuck_work_requeue() -> int:
    """Enqueue again the work that a lost message or a dead worker left behind."""
    cutoff = timezone.now() - STUCK_AFTER
    requeued = 0
    stuck_articles = Article.objects.filter(
        status__in=[Article.Status.QUEUED, Article.Status.FETCHING], status_changed_at__lt=cutoff
    )
    for article in stuck_articles:
        if article.attempts >= MAX_ATTEMPTS:
            _article_fail(article, f"Gave up after {article.attempts} attempts.")
            continue
        Article.objects.filter(id=article.id, status=article.status).update(
            status=Article.Status.QUEUED, status_changed_at=timezone.now()
        )
        tasks.ingest_article.delay_on_commit(article.id)
        requeued += 1
    unproposed = Article.objects.filter(
        status=Article.Status.EXTRACTED, candidates_proposed_at=None, status_changed_at__lt=cutoff
    )
    for article_id in unproposed.values_list("id", flat=True):
        tasks.propose_claims.delay_on_commit(article_id)
        requeued += 1
    ungathered = Claim.objects.filter(
        gathering=Claim.Gathering.PENDING, gathering_changed_at__lt=cutoff
    )
    for claim_id in ungathered.values_list("id", flat=True):
        Claim.objects.filter(id=claim_id).update(gathering_changed_at=timezone.now())
        tasks.gather_evidence.delay_on_commit(claim_id)
        requeued += 1
    return requeued


def _require_perm(user: User | None, permission: str) -> None:
    """Refuse users without the permission; None means the system itself acts."""
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(f"You need the “{permission}” permission for this.")
