"""Evidence: turn what a provider found into ranked passages of stored articles."""

from dataclasses import dataclass

from django.utils import timezone

from claims.evidence import stance as stance_model
from claims.evidence.passages import candidate_passages, query_terms
from claims.evidence.rules import interested_party
from claims.evidence.sources import Lead, registry
from claims.extraction.candidates import claim_core
from claims.ingestion.fetching import FetchedPage, FetchError, fetch_many
from claims.ingestion.politeness import reserve_turns, wait_until
from claims.ingestion.services import NewSource, sources_store
from claims.models import Article, Claim, Evidence, Snapshot

EVIDENCE_PER_PROVIDER = 5
MIN_PASSAGE_SHARE = 0.2
# FNC-1's labels, which the model gives, as the product's stances.
STANCE_OF_LABEL = {
    stance_model.AGREE: Evidence.Stance.SUPPORTS,
    stance_model.DISAGREE: Evidence.Stance.REFUTES,
    stance_model.DISCUSS: Evidence.Stance.DISCUSSES,
    stance_model.UNRELATED: Evidence.Stance.UNRELATED,
}


@dataclass(frozen=True)
class Choice:
    """The passage of a source shown on its card, and what the stance model read in it."""

    passage: str
    relevance: float  # the share of the claim's words it holds
    stance: stance_model.Stance | None = None


def claim_terms(claim: Claim) -> list[str]:
    return query_terms(claim_core(claim.text))


def passages_choose(
    claim: Claim, texts: list[str], min_share: float = MIN_PASSAGE_SHARE
) -> list[Choice | None]:
    """For each source text, the passage that decides its stance toward the claim, with the
    stance the model reads in the text: the model reads the few passages sharing most of the
    claim's words (`stance_model.passages_read`) and shows the one that reads most clearly as
    the text's stance. None when no passage shares at least `min_share` of the claim's words.

    All passages of all texts go through the model in one batch."""
    terms = claim_terms(claim)
    found_in = [
        candidate_passages(
            text, terms, stance_model.PASSAGES_READ, stance_model.SENTENCES_PER_PASSAGE
        )
        for text in texts
    ]
    # Passages come best first: a source whose best passage holds less than min_share of the
    # claim's words is not read at all.
    readable = [found if found and found[0][1] >= min_share else [] for found in found_in]
    readings = iter(
        stance_model.load_model().read(
            [(claim.text, [passage for passage, _ in found]) for found in readable if found]
        )
    )
    return [_choice(found, next(readings)) if found else None for found in readable]


def _choice(found: list[tuple[str, float]], reading: stance_model.Reading) -> Choice:
    """The passage the model chose of a source, with its share of the claim's words."""
    return Choice(reading.passage, dict(found)[reading.passage], reading.stance)


def evidence_find(claim: Claim, provider: str) -> list[Evidence]:
    """Ask one provider for sources and return the best passages as unsaved Evidence.

    Errors of the provider's own endpoint propagate (the job retries or fails on them);
    a single source that cannot be fetched or read is skipped.
    """
    leads = registry()[provider](claim, claim_terms(claim))
    articles = _sources(leads, _fetched_in_parallel(leads))
    sources = [
        (source, lead)
        for source, lead in zip(articles, leads, strict=True)
        if source is not None and source.id != claim.article_id
    ]
    choices = passages_choose(claim, [source.text for source, _ in sources])
    found = [
        (choice, source, lead)
        for (source, lead), choice in zip(sources, choices, strict=True)
        if choice is not None
    ]
    found.sort(key=lambda item: (-item[0].relevance, item[1].id))
    kept = _distinct(found)[:EVIDENCE_PER_PROVIDER]
    snapshots = _latest_snapshots([source.id for _, source, _ in kept])
    return [
        evidence_build(
            claim,
            source,
            provider=provider,
            choice=choice,
            rank=rank,
            lead=lead,
            snapshot_hash=snapshots.get(source.id, source.content_hash),
        )
        for rank, (choice, source, lead) in enumerate(kept, start=1)
    ]


def _distinct(
    found: list[tuple[Choice, Article, Lead]],
) -> list[tuple[Choice, Article, Lead]]:
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
    stored = Article.objects.filter(Article.having("url", *urls)).values_list("url", flat=True)
    new = urls - set(stored)
    turns = reserve_turns(new)  # here, not in the fetching threads: no connection each
    return fetch_many(new, before_each=lambda url: wait_until(turns.get(url)))


def _stored_articles(leads: list[Lead]) -> dict[int, Article]:
    """The readable articles that leads name by id (the archive's), in one query."""
    ids = [lead.article_id for lead in leads if lead.article_id is not None]
    if not ids:
        return {}
    return Article.objects.filter(status=Article.Status.EXTRACTED).in_bulk(ids)


def _sources(leads: list[Lead], pages: dict[str, FetchedPage | FetchError]) -> list[Article | None]:
    """The stored article of each lead (None for one that cannot be had or read: one
    unreadable source does not fail the provider). The archive's are read in one query; the
    pages fetched and the texts from an API are stored together (`sources_store`)."""
    stored = _stored_articles(leads)
    to_store = {
        index: NewSource(
            url=lead.url,
            text=lead.text,
            title=lead.title,
            publisher=lead.publisher,
            published_at=lead.published_at,
            page=page,
        )
        for index, lead in enumerate(leads)
        if lead.article_id is None and not isinstance(page := pages.get(lead.url), FetchError)
    }
    new = dict(zip(to_store, sources_store(list(to_store.values())), strict=True))
    return [
        stored.get(lead.article_id) if lead.article_id is not None else new.get(index)
        for index, lead in enumerate(leads)
    ]


def _latest_snapshots(article_ids: list[int]) -> dict[int, str]:
    """The hash of each article's latest snapshot (those that have one), in one query."""
    latest: dict[int, str] = {}
    snapshots = Snapshot.objects.filter(article_id__in=article_ids).order_by("-fetched_at")
    for article_id, sha256 in snapshots.values_list("article_id", "sha256"):
        latest.setdefault(article_id, sha256)
    return latest


def evidence_build(
    claim: Claim,
    source: Article,
    *,
    provider: str,
    choice: Choice,
    rank: int,
    lead: Lead | None = None,
    snapshot_hash: str | None = None,
) -> Evidence:
    """Return an unsaved Evidence row with everything the stance model and the rules can
    tell about it; its stance is a suggestion until a person sets or confirms it.

    `snapshot_hash` is the hash of the source's latest snapshot (its text's when it has
    none), when the caller has read those of many sources at once; else it is read here."""
    stance, cue = _suggested_stance(choice, lead)
    claimed_at = claim.article.published_at or claim.article.created_at
    if snapshot_hash is None:
        snapshot = source.snapshots.order_by("-fetched_at").first()
        snapshot_hash = snapshot.sha256 if snapshot else source.content_hash
    return Evidence(
        claim=claim,
        source=source,
        provider=provider,
        passage=choice.passage,
        rank=rank,
        relevance=choice.relevance,
        stance=stance,
        stance_cue=cue[:200],
        snapshot_hash=snapshot_hash,
        retrieved_at=timezone.now(),
        published_after_claim=bool(source.published_at and source.published_at > claimed_at),
        interested_party=interested_party(
            claim_text=claim.text,
            claimant=claim.claimant,
            publisher=source.publisher,
            author=source.author,
        ),
    )


def _suggested_stance(choice: Choice, lead: Lead | None) -> tuple[str, str]:
    """The suggested stance and what suggested it. A fact-checker's rating, ours included,
    says more than a model's reading of one passage."""
    if lead and lead.stance:
        return lead.stance, lead.stance_cue
    if choice.stance is None:
        return Evidence.Stance.UNKNOWN, ""
    model = stance_model.load_model()
    probability = choice.stance.probability
    return STANCE_OF_LABEL[choice.stance.label], f"{model.name}, p = {probability:.2f}"


def evidence_rerank(claim_id: int) -> None:
    """Number a claim's evidence across providers: pinned first, then the most relevant."""
    evidence = list(
        Evidence.objects.filter(claim_id=claim_id).order_by("-pinned", "-relevance", "id")
    )
    for rank, item in enumerate(evidence, start=1):
        item.rank = rank
    Evidence.objects.bulk_update(evidence, ["rank"])
