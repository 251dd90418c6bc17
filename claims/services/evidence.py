"""Evidence: search the providers for a claim and keep the best passages."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..extraction import claim_core
from ..models import Article, Claim, Evidence
from ..passages import best_passage, query_terms
from ..sources import archive

EVIDENCE_PER_CLAIM = 5
SEARCH_DEPTH = 20
MIN_PASSAGE_SHARE = 0.2


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
