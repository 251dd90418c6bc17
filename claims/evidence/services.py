"""Evidence: turn what a provider found into ranked passages of stored articles."""

from django.utils import timezone

from claims.evidence.passages import best_passage, query_terms
from claims.evidence.rules import StanceGuess, interested_party, suggest_stance
from claims.evidence.sources import Lead, registry
from claims.extraction.candidates import claim_core
from claims.ingestion.fetching import FetchedPage, FetchError, fetch_many
from claims.ingestion.pages import ExtractionError
from claims.ingestion.politeness import reserve_turns, wait_until
from claims.ingestion.services import source_store
from claims.models import Article, Claim, Evidence

EVIDENCE_PER_PROVIDER = 5
MIN_PASSAGE_SHARE = 0.2


def claim_terms(claim: Claim) -> list[str]:
    return query_terms(claim_core(claim.text))


def evidence_find(claim: Claim, provider: str) -> list[Evidence]:
    """Ask one provider for sources and return the best passages as unsaved Evidence.

    Errors of the provider's own endpoint propagate (the job retries or fails on them);
    a single source that cannot be fetched or read is skipped.
    """
    terms = claim_terms(claim)
    found = []
    leads = registry()[provider](claim, terms)
    pages = _fetched_in_parallel(leads)
    stored = _stored_articles(leads)
    for lead in leads:
        if lead.article_id is not None:
            source = stored.get(lead.article_id)
        else:
            source = _source(lead, pages.get(lead.url))
        if source is None or source.id == claim.article_id:
            continue
        passage, share = best_passage(source.text, terms)
        if share >= MIN_PASSAGE_SHARE:
            found.append((share, source, passage, lead))
    found.sort(key=lambda item: (-item[0], item[1].id))
    return [
        evidence_build(
            claim, source, provider=provider, passage=passage, relevance=share, rank=rank, lead=lead
        )
        for rank, (share, source, passage, lead) in enumerate(
            _distinct(found)[:EVIDENCE_PER_PROVIDER], start=1
        )
    ]


def _distinct(
    found: list[tuple[float, Article, str, Lead]],
) -> list[tuple[float, Article, str, Lead]]:
    """Two leads can end at one article (a redirect, a duplicate): keep its best."""
    seen: set[int] = set()
    distinct = []
    for item in found:
        if item[1].id not in seen:
            seen.add(item[1].id)
            distinct.append(item)
    return distinct


def _fetched_in_parallel(leads: list[Lead]) -> dict[str, FetchedPage | FetchError]:
    """Fetch the pages of new sources at once: a provider's sources wait on the network,
    not on each other."""
    urls = {lead.url for lead in leads if lead.article_id is None and not lead.text}
    stored = Article.objects.filter(url__in=urls).values_list("url", flat=True)
    new = urls - set(stored)
    turns = reserve_turns(new)  # here, not in the fetching threads: no connection each
    return fetch_many(new, before_each=lambda url: wait_until(turns.get(url)))


def _stored_articles(leads: list[Lead]) -> dict[int, Article]:
    """The readable articles that leads name by id (the archive's), in one query."""
    ids = [lead.article_id for lead in leads if lead.article_id is not None]
    if not ids:
        return {}
    return Article.objects.filter(status=Article.Status.EXTRACTED).in_bulk(ids)


def _source(lead: Lead, page: FetchedPage | FetchError | None) -> Article | None:
    """The stored article for a lead to a page (fetched, or text from an API)."""
    if isinstance(page, FetchError):
        return None
    try:
        return source_store(
            url=lead.url,
            text=lead.text,
            title=lead.title,
            publisher=lead.publisher,
            published_at=lead.published_at,
            page=page,
        )
    except (FetchError, ExtractionError):
        return None  # one unreadable source does not fail the provider


def evidence_build(
    claim: Claim,
    source: Article,
    *,
    provider: str,
    passage: str,
    relevance: float,
    rank: int,
    lead: Lead | None = None,
) -> Evidence:
    """Return an unsaved Evidence row with everything rules can tell about it."""
    guess = suggest_stance(passage)
    if lead and lead.stance:  # a fact-checker's rating says more than cue words
        guess = StanceGuess(lead.stance, lead.stance_cue)
    claimed_at = claim.article.published_at or claim.article.created_at
    snapshot = source.snapshots.order_by("-fetched_at").first()
    return Evidence(
        claim=claim,
        source=source,
        provider=provider,
        passage=passage,
        rank=rank,
        relevance=relevance,
        stance=guess.stance,
        stance_cue=guess.cue[:200],
        snapshot_hash=snapshot.sha256 if snapshot else source.content_hash,
        retrieved_at=timezone.now(),
        published_after_claim=bool(source.published_at and source.published_at > claimed_at),
        interested_party=interested_party(
            claim_text=claim.text,
            claimant=claim.claimant,
            publisher=source.publisher,
            author=source.author,
        ),
    )


def evidence_rerank(claim_id: int) -> None:
    """Number a claim's evidence across providers: pinned first, then the most relevant."""
    evidence = list(
        Evidence.objects.filter(claim_id=claim_id).order_by("-pinned", "-relevance", "id")
    )
    for rank, item in enumerate(evidence, start=1):
        item.rank = rank
    Evidence.objects.bulk_update(evidence, ["rank"])
