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

An entry holds two vectors of its text (and of its headline): the English matcher's, and,
in a language the multilingual encoder reads, the multilingual one's, through which a claim
finds a check written in another language (crosslingual.py says which is used when).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from claims import tasks
from claims.matching import engine
from claims.matching.crosslingual import (
    Vectors,
    language_note,
    multilingual_encoded,
    read_by_multilingual,
)
from claims.matching.crosslingual import encoded as encoded_vectors
from claims.matching.engine import multilingual
from claims.matching.follower import IndexFollower, process_index_ready
from claims.matching.models import ClaimMatch, MatchEntry, text_hash
from claims.models import Claim, ExternalReview
from claims.verdicts import published_verdicts, with_published_headline
from factcheck.celery import Backlog
from factcheck.languages import primary_subtag
from factcheck.limits import INDEX_BUILD_SECONDS

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


class IndexStillLoading(Exception):
    """This worker is still building its matching index (its first build over a large
    archive takes longer than one task may run)."""


def claim_match(*, claim_id: int) -> int:
    """Rank earlier claims and reviews against a pending claim and store the best as
    suggestions; return how many were stored. A claim not pending is left alone, so a
    redelivered task does nothing; nor is one while this worker's index is still being
    built: it stays pending, its attempts uncounted, and the sweep sends it again."""
    index = process_index_ready(INDEX_BUILD_SECONDS)
    if index is None:
        return 0
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
    language = claim.article.language
    vectors = _vectors(claim.id, prepared.text, language)
    chosen = _search_eligible(index, claim, prepared.text, vectors, language)
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(id=claim.id)
        if locked.text != claim.text or locked.matching != Claim.Matching.PENDING:
            return 0  # edited meanwhile: the task the edit enqueued matches the new text
        _entry_save(
            claim_id=locked.id,
            target=_is_target(locked),
            text=prepared.text,
            vectors=vectors,
            language=language,
            headline=_published_headline(locked.id),
        )
        _matches_store(locked, chosen)
        notes = [prepared.note, language_note(language)]
        _finish(locked, Claim.Matching.DONE, " ".join(note for note in notes if note))
    return len(chosen)


def similar_claims(claim: Claim) -> dict[int, float]:
    """Return the accepted claims, outside the claim's group, that the index finds may
    state the same claim, with the matcher's probability (for "we checked this before").
    Raises IndexStillLoading while this worker's index is being built."""
    prepared = match_text(claim.text)
    if prepared.skip:
        return {}
    index = process_index_ready(INDEX_BUILD_SECONDS)
    if index is None:
        raise IndexStillLoading("This worker is still loading the index of our earlier claims.")
    language = claim.article.language
    vectors = _vectors(claim.id, prepared.text, language)
    return {
        chosen.claim_id: chosen.score
        for chosen in _search_eligible(index, claim, prepared.text, vectors, language)
        if chosen.claim_id is not None
    }


def stuck_matching_requeue(stuck_after: timedelta, backlog: Backlog) -> int:
    """Enqueue again the matching that never finished (a lost message, a killed worker),
    the imported reviews never encoded, and vectors made by an earlier model (or entries
    without the current multilingual vectors, in a language it reads); return how
    many claims and reviews were enqueued."""
    cutoff = timezone.now() - stuck_after
    pending = Claim.objects.filter(matching=Claim.Matching.PENDING).filter(
        Q(matching_changed_at__lt=cutoff) | Q(matching_changed_at__isnull=True)
    )
    if backlog.holds(tasks.match_claim):  # their messages may wait in it
        pending = pending.none()
    claim_ids = list(pending.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])
    # Stamped now, so the next sweep waits for these again instead of piling up messages.
    Claim.objects.filter(id__in=claim_ids).update(matching_changed_at=timezone.now())
    for claim_id in claim_ids:
        tasks.match_claim.delay_on_commit(claim_id)
    unindexed = ExternalReview.objects.filter(match_entry__isnull=True).filter(
        Q(index_queued_at__lt=cutoff) | Q(index_queued_at__isnull=True, imported_at__lt=cutoff)
    )
    if backlog.holds(tasks.index_external_reviews):
        unindexed = unindexed.none()
    review_ids = list(unindexed.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])
    ExternalReview.objects.filter(id__in=review_ids).update(index_queued_at=timezone.now())
    for start in range(0, len(review_ids), ENCODE_BATCH):
        tasks.index_external_reviews.delay_on_commit(review_ids[start : start + ENCODE_BATCH])
    if _stale_entries().exists():
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


def _search_eligible(
    index: IndexFollower, claim: Claim, text: str, vectors: Vectors, language: str
) -> list[Chosen]:
    """Search this process's index and keep the eligible hits. A worker's index follows
    only the rows added to the entries table, so a target deleted since (its claim or
    review gone) can still come back as a hit: it is forgotten, and the search is asked
    again, so that such hits never crowd the living ones out of the SEARCH_DEPTH."""
    for _ in range(MAX_SEARCHES):
        hits = index.search(
            text,
            top=SEARCH_DEPTH,
            vector=vectors.english,
            language=language,
            multilingual_vector=vectors.multilingual,
        )
        chosen, gone = _eligible(claim, hits)
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
        claim = Claim.objects.select_for_update().filter(id=claim_id).first()  # as claim_match
        entry = MatchEntry.objects.filter(claim_id=claim_id).first()
        headline = _published_headline(claim_id)
        if claim is None or entry is None or entry.headline == headline:
            return False
        language = claim.article.language
        _entry_save(
            claim_id=claim_id,
            target=entry.target,
            text=entry.text,
            vectors=_vectors(claim_id, entry.text, language),
            language=language,
            headline=headline,
        )
    return True


def _published_headline(claim_id: int) -> str:
    """Return the headline of the claim's current published check ("" if none)."""
    verdict = published_verdicts([claim_id]).get(claim_id)
    return verdict.headline if verdict else ""


def _vectors(claim_id: int, text: str, language: str) -> Vectors:
    """Return the claim's stored vectors for this text and models, or encode them (the
    multilingual one only in a language its encoder reads)."""
    stored = MatchEntry.objects.filter(
        claim_id=claim_id, text_hash=text_hash(text), model_name=engine.MODEL_NAME
    ).first()
    if stored is not None:
        english = stored.as_array()
    else:
        [english] = encoded([text])
    if not read_by_multilingual(language):
        return Vectors(english, None)
    if stored is not None and stored.multilingual_model_name == multilingual.MODEL_NAME:
        return Vectors(english, stored.multilingual_array())
    [translatable] = multilingual_encoded([text])
    return Vectors(english, translatable)


def encoded(texts: Sequence[str]) -> np.ndarray:
    """Return the vectors the index would make of these texts (as float32 rows)."""
    return np.asarray(engine.embed(texts), dtype=np.float32)


def _entry_save(
    *,
    target: bool,
    text: str,
    vectors: Vectors,
    language: str,
    headline: str = "",
    claim_id: int | None = None,
    external_id: int | None = None,
) -> None:
    """Store the vectors, as a new row when anything changed (so every index sees it). The
    headline's vectors are taken from the entry it replaces when the headline is the same."""
    owner: dict[str, int | None] = (
        {"claim_id": claim_id} if claim_id is not None else {"external_id": external_id}
    )
    wanted = {
        "target": target,
        "text_hash": text_hash(text),
        "headline": headline,
        "model_name": engine.MODEL_NAME,
        "language": primary_subtag(language),
        "multilingual_model_name": _multilingual_model(vectors),
    }
    if MatchEntry.objects.filter(**owner, **wanted).exists():
        return
    previous = MatchEntry.objects.filter(**owner).first()
    MatchEntry.objects.filter(**owner).delete()
    MatchEntry.objects.create(
        **owner,
        **wanted,
        text=text,
        vector=np.asarray(vectors.english, dtype=np.float32).tobytes(),
        headline_vector=_headline_bytes(headline, previous),
        multilingual_vector=_bytes(vectors.multilingual),
        multilingual_headline_vector=(
            None
            if vectors.multilingual is None
            else _multilingual_headline_bytes(headline, previous)
        ),
    )


def _bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


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


def _multilingual_headline_bytes(headline: str, previous: MatchEntry | None) -> bytes | None:
    """The same as _headline_bytes, for the multilingual encoder's vector of the headline."""
    if not headline:
        return None
    if (
        previous is not None
        and previous.headline == headline
        and previous.multilingual_model_name == multilingual.MODEL_NAME
        and previous.multilingual_headline_vector is not None
    ):
        return bytes(previous.multilingual_headline_vector)
    [vector] = multilingual_encoded([headline])
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
    """Encode the reviews that have no current vectors and store them as match targets;
    return how many were encoded."""
    reviews = ExternalReview.objects.filter(id__in=review_ids).select_related("match_entry")
    stale = [review for review in reviews.order_by("id") if not _has_current_entry(review)]
    for start in range(0, len(stale), ENCODE_BATCH):
        batch = stale[start : start + ENCODE_BATCH]
        texts = [match_text(review.claim_reviewed).text for review in batch]
        headlines = [review.headline for review in batch]
        languages = [review.language for review in batch]
        vectors = encoded_vectors(texts, languages)
        headline_vectors = _encoded_headlines(headlines, languages)
        entries = [
            MatchEntry(
                external_id=review.id,
                target=True,
                text=text,
                text_hash=text_hash(text),
                headline=headline,
                model_name=engine.MODEL_NAME,
                vector=found.english.tobytes(),
                headline_vector=headline_found.english,
                language=primary_subtag(review.language),
                multilingual_model_name=_multilingual_model(found),
                multilingual_vector=_bytes(found.multilingual),
                multilingual_headline_vector=headline_found.multilingual,
            )
            for review, text, headline, found, headline_found in zip(
                batch, texts, headlines, vectors, headline_vectors, strict=True
            )
        ]
        with transaction.atomic():  # replaced, not updated: new ids are what indexes follow
            MatchEntry.objects.filter(external__in=batch).delete()
            MatchEntry.objects.bulk_create(entries)
    return len(stale)


@dataclass(frozen=True)
class _StoredHeadline:
    english: bytes | None
    multilingual: bytes | None


def _encoded_headlines(headlines: Sequence[str], languages: Sequence[str]) -> list[_StoredHeadline]:
    """Return each headline's vectors as stored (None for an empty one, and for the
    multilingual one in a language it does not read), each encoder called once."""
    present = [n for n, headline in enumerate(headlines) if headline]
    found = dict(
        zip(
            present,
            encoded_vectors([headlines[n] for n in present], [languages[n] for n in present]),
            strict=True,
        )
    )
    return [
        _StoredHeadline(_bytes(found[n].english), _bytes(found[n].multilingual))
        if n in found
        else _StoredHeadline(None, None)
        for n in range(len(headlines))
    ]


def _multilingual_model(vectors: Vectors) -> str:
    return "" if vectors.multilingual is None else multilingual.MODEL_NAME


def _has_current_entry(review: ExternalReview) -> bool:
    try:
        entry = review.match_entry
    except MatchEntry.DoesNotExist:
        return False
    return (
        entry.model_name == engine.MODEL_NAME
        and entry.text_hash == text_hash(match_text(review.claim_reviewed).text)
        and entry.headline == review.headline
        and entry.language == primary_subtag(review.language)
        and entry.multilingual_model_name
        == (multilingual.MODEL_NAME if read_by_multilingual(review.language) else "")
    )


def _stale_entries() -> QuerySet[MatchEntry]:
    """Return the entries to encode again: made by another English model, or without the
    current multilingual vectors (an entry stored before there were any, or by another
    multilingual model), unless its language is one the multilingual encoder does not read."""
    readable = [*multilingual.LANGUAGES, ""]
    missing = Q(language__in=readable) & ~Q(multilingual_model_name=multilingual.MODEL_NAME)
    return MatchEntry.objects.filter(~Q(model_name=engine.MODEL_NAME) | missing)


def stale_entries_refresh(*, limit: int = 500) -> int:
    """Encode again up to `limit` stored entries whose vectors are not the current models'
    (after an encoder changed, or added: the backfill of multilingual vectors), keeping the
    vectors that are current; return how many."""
    stale = _stale_entries().select_related("claim__article", "external").order_by("id")
    entries = list(stale[:limit])
    for start in range(0, len(entries), ENCODE_BATCH):
        batch = entries[start : start + ENCODE_BATCH]
        languages = [_owner_language(entry) for entry in batch]
        vectors = _refreshed(batch, languages)
        with transaction.atomic():
            for entry, language, found in zip(batch, languages, vectors, strict=True):
                _entry_save(
                    claim_id=entry.claim_id,
                    external_id=entry.external_id,
                    target=entry.target,
                    text=entry.text,
                    vectors=found,
                    language=language,
                    headline=entry.headline,
                )
    return len(entries)


def _owner_language(entry: MatchEntry) -> str:
    """Return the language of the entry's claim (its article's) or review."""
    if entry.claim is not None:
        return entry.claim.article.language
    assert entry.external is not None
    return entry.external.language


def _refreshed(entries: Sequence[MatchEntry], languages: Sequence[str]) -> list[Vectors]:
    """Return the entries' vectors by the current models: the English one kept if current."""
    english_stale = [n for n, entry in enumerate(entries) if entry.model_name != engine.MODEL_NAME]
    english = dict(
        zip(english_stale, encoded([entries[n].text for n in english_stale]), strict=True)
    )
    read = [n for n, language in enumerate(languages) if read_by_multilingual(language)]
    translatable = dict(
        zip(read, multilingual_encoded([entries[n].text for n in read]), strict=True)
    )
    return [
        Vectors(english[n] if n in english else entry.as_array(), translatable.get(n))
        for n, entry in enumerate(entries)
    ]
