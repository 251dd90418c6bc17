"""Checked before? Each new, edited or accepted claim is ranked against earlier accepted
claims (ours, published or not) and other fact-checkers' imported reviews, and its best
matches are stored as suggestions for an editor to confirm or reject (match_decisions.py).

The state lives in the database, like gathering: a claim's `matching` is pending until a
worker has stored its matches, and the sweep enqueues again what never finished. The
vectors live there too (`MatchEntry`), so each worker's index is rebuilt without encoding
anything and follows new rows (claims/matching/follower.py).

An entry carries the headline of its check, which matching weighs too (people word claims
like the headlines that answer them): another fact-checker's review has its own; one of our
claims gets the headline of its published check when a version is published, corrected or
retracted (`match_headline_request`, called by the review desk), and the sweep catches any
entry whose headline is behind.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import tasks
from claims.matching import engine
from claims.matching.follower import process_index
from claims.matching.models import ClaimMatch, MatchEntry, text_hash
from claims.models import Claim, ExternalReview
from claims.verdicts import published_verdicts, with_published_headline

MATCHES_KEPT = 5
# Hits are filtered afterwards (only accepted claims, not the claim's own group), so the
# index is asked for more than are kept.
SEARCH_DEPTH = 30
# Each search forgets the deleted targets among its SEARCH_DEPTH hits (_search_eligible), so
# a few searches clear even a crowd of them; past this many, the living hits found are used.
MAX_SEARCHES = 5
MIN_WORDS = 2
MAX_MATCH_CHARS = 1000
MAX_ATTEMPTS = 3
ENCODE_BATCH = 64
SWEEP_BATCH = 1000
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class MatchText:
    """The text a claim is matched on, or why it is not matched at all."""

    text: str
    note: str = ""
    skip: bool = False


def match_text(text: str) -> MatchText:
    """Return the text to match: one line, cut at a word near MAX_MATCH_CHARS; a claim of
    fewer than MIN_WORDS words is not matched (it says too little to compare)."""
    squeezed = " ".join(text.split())
    if len(WORD.findall(squeezed)) < MIN_WORDS:
        return MatchText(
            squeezed, "Not matched: a claim of one word says too little to compare.", skip=True
        )
    if len(squeezed) <= MAX_MATCH_CHARS:
        return MatchText(squeezed)
    cut = squeezed[:MAX_MATCH_CHARS].rsplit(" ", 1)[0]
    return MatchText(cut, f"Matched on its first {len(cut):,} characters; the rest was cut.")


def matching_request(claims: Iterable[Claim]) -> None:
    """Mark the claims as waiting to be matched, and enqueue each after commit."""
    claims = list(claims)
    now = timezone.now()
    Claim.objects.filter(id__in=[claim.id for claim in claims]).update(
        matching=Claim.Matching.PENDING, matching_attempts=0, matching_changed_at=now
    )
    for claim in claims:
        claim.matching, claim.matching_attempts = Claim.Matching.PENDING, 0
        claim.matching_changed_at = now
        tasks.match_claim.delay_on_commit(claim.id)


def claim_match(*, claim_id: int) -> int:
    """Rank earlier claims and reviews against a pending claim and store the best as
    suggestions; return how many were stored. A claim not pending is left alone, so a
    redelivered task does nothing."""
    taken = Claim.objects.filter(id=claim_id, matching=Claim.Matching.PENDING).update(
        matching_attempts=F("matching_attempts") + 1, matching_changed_at=timezone.now()
    )
    if not taken:
        return 0
    claim = Claim.objects.select_related("article").get(id=claim_id)
    prepared = match_text(claim.text)
    if prepared.skip:
        _finish_unmatched(claim, Claim.Matching.SKIPPED, prepared.note)
        return 0
    if claim.matching_attempts > MAX_ATTEMPTS:
        _finish_unmatched(claim, Claim.Matching.FAILED, f"Gave up after {MAX_ATTEMPTS} attempts.")
        return 0
    vector = _vector(claim.id, prepared.text)
    chosen = _search_eligible(claim, prepared.text, vector)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(id=claim.id)
        if locked.text != claim.text or locked.matching != Claim.Matching.PENDING:
            return 0  # edited meanwhile: the task the edit enqueued matches the new text
        _entry_save(
            claim_id=locked.id,
            target=_is_target(locked),
            text=prepared.text,
            vector=vector,
            headline=_published_headline(locked.id),
        )
        _matches_store(locked, chosen)
        notes = [prepared.note, _language_note(claim.article.language)]
        _finish(locked, Claim.Matching.DONE, " ".join(note for note in notes if note))
    return len(chosen)


def similar_claims(claim: Claim) -> dict[int, float]:
    """Return the accepted claims, outside the claim's group, that the index finds may
    state the same claim, with the matcher's probability (for "we checked this before")."""
    prepared = match_text(claim.text)
    if prepared.skip:
        return {}
    vector = _vector(claim.id, prepared.text)
    return {
        chosen.claim_id: chosen.score
        for chosen in _search_eligible(claim, prepared.text, vector)
        if chosen.claim_id is not None
    }


def _language_note(language: str) -> str:
    """Say so when the claim is not in English, the only language the encoder reads: its
    matches can only come through words and numbers it shares with texts in its language."""
    if not language or language.lower().startswith("en"):
        return ""
    return (
        f"Matches are limited to texts in the claim's language ({language}): the matcher "
        "compares meaning in English only, so a check written in another language is not "
        "found; matched on shared words and numbers."
    )


def stuck_matching_requeue(stuck_after: timedelta) -> int:
    """Enqueue again the matching that never finished (a lost message, a killed worker),
    the imported reviews never encoded, and vectors made by an earlier model; return how
    many claims and reviews were enqueued."""
    cutoff = timezone.now() - stuck_after
    pending = Claim.objects.filter(matching=Claim.Matching.PENDING).filter(
        Q(matching_changed_at__lt=cutoff) | Q(matching_changed_at__isnull=True)
    )
    claim_ids = list(pending.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])
    # Stamped now, so the next sweep waits for these again instead of piling up messages.
    Claim.objects.filter(id__in=claim_ids).update(matching_changed_at=timezone.now())
    for claim_id in claim_ids:
        tasks.match_claim.delay_on_commit(claim_id)
    unindexed = ExternalReview.objects.filter(match_entry__isnull=True).filter(
        Q(index_queued_at__lt=cutoff) | Q(index_queued_at__isnull=True, imported_at__lt=cutoff)
    )
    review_ids = list(unindexed.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])
    ExternalReview.objects.filter(id__in=review_ids).update(index_queued_at=timezone.now())
    for start in range(0, len(review_ids), ENCODE_BATCH):
        tasks.index_external_reviews.delay_on_commit(review_ids[start : start + ENCODE_BATCH])
    if MatchEntry.objects.exclude(model_name=engine.MODEL_NAME).exists():
        tasks.refresh_stale_match_entries.delay_on_commit()
    behind = _headlines_behind()
    for claim_id in behind:
        tasks.refresh_match_headline.delay_on_commit(claim_id)
    return len(claim_ids) + len(review_ids) + len(behind)


def _headlines_behind() -> list[int]:
    """Return claims whose entry lacks the headline of their current published check (a
    lost refresh message)."""
    published = with_published_headline(Claim.objects.filter(match_entry__isnull=False))
    behind = published.exclude(match_entry__headline=F("published_headline"))
    return list(behind.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])


def possible_threshold() -> float:
    """From this score a match is suggested: the setting, or the engine's default."""
    chosen = settings.MATCH_POSSIBLE_THRESHOLD
    return engine.POSSIBLE_MATCH_THRESHOLD if chosen is None else chosen


def same_claim_threshold() -> float:
    """From this score a match is flagged as likely the same claim."""
    chosen = settings.MATCH_SAME_CLAIM_THRESHOLD
    return engine.SAME_CLAIM_THRESHOLD if chosen is None else chosen


@dataclass(frozen=True)
class Chosen:
    score: float
    claim_id: int | None = None
    external_id: int | None = None


def _search_eligible(claim: Claim, text: str, vector: np.ndarray) -> list[Chosen]:
    """Search this process's index and keep the eligible hits. A worker's index follows
    only the rows added to the entries table, so a target deleted since (its claim or
    review gone) can still come back as a hit: it is forgotten, and the search is asked
    again, so that such hits never crowd the living ones out of the SEARCH_DEPTH."""
    index = process_index()
    for _ in range(MAX_SEARCHES):
        chosen, gone = _eligible(claim, index.search(text, top=SEARCH_DEPTH, vector=vector))
        if not gone:
            break
        index.forget(gone)
    return chosen


def _eligible(claim: Claim, hits: Sequence[engine.Hit]) -> tuple[list[Chosen], list[str]]:
    """Keep the hits that are possible matches, are still there, and are not the claim,
    nor in its group of duplicates; return the best MATCHES_KEPT, and the keys of the hits
    whose claim or review no longer exists."""
    floor = possible_threshold()
    scores = {hit.key: min(max(hit.score, 0.0), 1.0) for hit in hits}
    group = claim.duplicate_of_id or claim.id
    kept: list[Chosen] = []
    existing = set()
    found = Claim.objects.filter(id__in=_ids(scores, "claim"))
    for other_id, status, canonical_id in found.values_list("id", "status", "duplicate_of_id"):
        key = f"claim:{other_id}"
        existing.add(key)
        eligible = status == Claim.Status.ACCEPTED and other_id != claim.id
        if eligible and (canonical_id or other_id) != group and scores[key] >= floor:
            kept.append(Chosen(scores[key], claim_id=other_id))
    external = ExternalReview.objects.filter(id__in=_ids(scores, "review"))
    for external_id in external.values_list("id", flat=True):
        key = f"review:{external_id}"
        existing.add(key)
        if scores[key] >= floor:
            kept.append(Chosen(scores[key], external_id=external_id))
    kept.sort(key=lambda chosen: -chosen.score)
    return kept[:MATCHES_KEPT], [key for key in scores if key not in existing]


def _ids(scores: dict[str, float], kind: str) -> list[int]:
    prefix = kind + ":"
    return [int(key[len(prefix) :]) for key in scores if key.startswith(prefix)]


def _is_target(claim: Claim) -> bool:
    return claim.status == Claim.Status.ACCEPTED


def match_headline_request(*, claim_id: int) -> None:
    """After commit, give the claim's match entry the headline of its published check (the
    review desk calls this whenever it publishes, corrects or retracts a version)."""
    tasks.refresh_match_headline.delay_on_commit(claim_id)


def claim_headline_index(*, claim_id: int) -> bool:
    """Store the claim's entry again with its published check's headline, if that changed;
    return whether it did. A claim not matched yet has no entry: matching will add it."""
    with transaction.atomic():
        Claim.objects.select_for_update().filter(id=claim_id).first()  # as claim_match does
        entry = MatchEntry.objects.filter(claim_id=claim_id).first()
        headline = _published_headline(claim_id)
        if entry is None or entry.headline == headline:
            return False
        _entry_save(
            claim_id=claim_id,
            target=entry.target,
            text=entry.text,
            vector=entry.as_array(),
            headline=headline,
        )
    return True


def _published_headline(claim_id: int) -> str:
    """Return the headline of the claim's current published check ("" if none)."""
    verdict = published_verdicts([claim_id]).get(claim_id)
    return verdict.headline if verdict else ""


def _vector(claim_id: int, text: str) -> np.ndarray:
    """Return the claim's stored vector for this text and model, or encode it."""
    stored = MatchEntry.objects.filter(
        claim_id=claim_id, text_hash=text_hash(text), model_name=engine.MODEL_NAME
    ).first()
    if stored is not None:
        return stored.as_array()
    [vector] = encoded([text])
    return np.asarray(vector, dtype=np.float32)


def encoded(texts: Sequence[str]) -> np.ndarray:
    """Return the vectors the index would make of these texts (as float32 rows)."""
    return np.asarray(engine.embed(texts), dtype=np.float32)


def _entry_save(
    *,
    target: bool,
    text: str,
    vector: np.ndarray,
    headline: str = "",
    claim_id: int | None = None,
    external_id: int | None = None,
) -> None:
    """Store the vector, as a new row when anything changed (so every index sees it). The
    headline's vector is taken from the entry it replaces when the headline is the same."""
    owner: dict[str, int | None] = (
        {"claim_id": claim_id} if claim_id is not None else {"external_id": external_id}
    )
    wanted = {
        "target": target,
        "text_hash": text_hash(text),
        "headline": headline,
        "model_name": engine.MODEL_NAME,
    }
    if MatchEntry.objects.filter(**owner, **wanted).exists():
        return
    previous = MatchEntry.objects.filter(**owner).first()
    MatchEntry.objects.filter(**owner).delete()
    MatchEntry.objects.create(
        **owner,
        **wanted,
        text=text,
        vector=np.asarray(vector, dtype=np.float32).tobytes(),
        headline_vector=_headline_bytes(headline, previous),
    )


def _headline_bytes(headline: str, previous: MatchEntry | None) -> bytes | None:
    """Return the stored form of the headline's vector: None without a headline, the
    previous entry's when it had the same headline by the same model, else encoded now."""
    if not headline:
        return None
    if (
        previous is not None
        and previous.headline == headline
        and previous.model_name == engine.MODEL_NAME
        and previous.headline_vector is not None
    ):
        return bytes(previous.headline_vector)
    [vector] = encoded([headline])
    stored: bytes = vector.tobytes()
    return stored


def _matches_store(claim: Claim, chosen: list[Chosen]) -> None:
    """Store the chosen matches in rank order. Suggestions no longer chosen go; matches an
    editor decided on stay, with their decision."""
    existing = {
        (match.matched_claim_id, match.matched_external_id): match
        for match in ClaimMatch.objects.select_for_update().filter(claim=claim)
    }
    kept = set()
    for rank, found in enumerate(chosen, start=1):
        pair = (found.claim_id, found.external_id)
        kept.add(pair)
        match = existing.get(pair)
        if match is None:
            ClaimMatch.objects.create(
                claim=claim,
                matched_claim_id=found.claim_id,
                matched_external_id=found.external_id,
                score=found.score,
                rank=rank,
            )
        elif (match.score, match.rank) != (found.score, rank):
            match.score, match.rank = found.score, rank
            match.save(update_fields=["score", "rank"])
    gone = [
        match.id
        for pair, match in existing.items()
        if pair not in kept and match.status == ClaimMatch.Status.SUGGESTED
    ]
    ClaimMatch.objects.filter(id__in=gone).delete()


@transaction.atomic
def _finish_unmatched(claim: Claim, state: str, note: str) -> None:
    """End matching without matches; suggestions made for an earlier text go."""
    locked = Claim.objects.select_for_update().get(id=claim.id)
    if locked.text != claim.text or locked.matching != Claim.Matching.PENDING:
        return  # edited meanwhile: the task the edit enqueued takes over
    locked.matches.filter(status=ClaimMatch.Status.SUGGESTED).delete()
    _finish(locked, state, note)


def _finish(claim: Claim, state: str, note: str) -> None:
    Claim.objects.filter(id=claim.id).update(
        matching=state, matching_note=note, matching_changed_at=timezone.now()
    )


def external_reviews_index(*, review_ids: Sequence[int]) -> int:
    """Encode the reviews that have no current vector and store them as match targets;
    return how many were encoded."""
    reviews = ExternalReview.objects.filter(id__in=review_ids).select_related("match_entry")
    stale = [review for review in reviews.order_by("id") if not _has_current_entry(review)]
    for start in range(0, len(stale), ENCODE_BATCH):
        batch = stale[start : start + ENCODE_BATCH]
        texts = [match_text(review.claim_reviewed).text for review in batch]
        headlines = [review.headline for review in batch]
        vectors = encoded(texts)
        headline_vectors = _encoded_headlines(headlines)
        entries = [
            MatchEntry(
                external_id=review.id,
                target=True,
                text=text,
                text_hash=text_hash(text),
                headline=headline,
                model_name=engine.MODEL_NAME,
                vector=vector.tobytes(),
                headline_vector=headline_vector,
            )
            for review, text, headline, vector, headline_vector in zip(
                batch, texts, headlines, vectors, headline_vectors, strict=True
            )
        ]
        with transaction.atomic():  # replaced, not updated: new ids are what indexes follow
            MatchEntry.objects.filter(external__in=batch).delete()
            MatchEntry.objects.bulk_create(entries)
    return len(stale)


def _encoded_headlines(headlines: Sequence[str]) -> list[bytes | None]:
    """Return each headline's vector as stored (None for an empty one), encoded in one go."""
    present = [headline for headline in headlines if headline]
    vectors = iter(encoded(present))
    return [next(vectors).tobytes() if headline else None for headline in headlines]


def _has_current_entry(review: ExternalReview) -> bool:
    try:
        entry = review.match_entry
    except MatchEntry.DoesNotExist:
        return False
    return (
        entry.model_name == engine.MODEL_NAME
        and entry.text_hash == text_hash(match_text(review.claim_reviewed).text)
        and entry.headline == review.headline
    )


def stale_entries_refresh(*, limit: int = 500) -> int:
    """Encode again, with the current model, up to `limit` stored vectors made by another
    one (after the encoder changed); return how many."""
    stale = MatchEntry.objects.exclude(model_name=engine.MODEL_NAME).order_by("id")[:limit]
    rows = list(stale.values_list("claim_id", "external_id", "target", "text", "headline"))
    for start in range(0, len(rows), ENCODE_BATCH):
        batch = rows[start : start + ENCODE_BATCH]
        vectors = encoded([text for *_, text, _ in batch])
        with transaction.atomic():
            for (claim_id, external_id, target, text, headline), vector in zip(
                batch, vectors, strict=True
            ):
                _entry_save(
                    claim_id=claim_id,
                    external_id=external_id,
                    target=target,
                    text=text,
                    vector=vector,
                    headline=headline,
                )
    return len(rows)
