"""Reader tips: taking one in, grouping it with the tips about the same claim, turning a
group into a claim, and telling the readers who asked when that claim's check is published.

The state lives in the database: a tip is `pending` until a worker has grouped it, and a
reader with a contact address is told once (`notified_at`); the sweep enqueues again
whatever a lost message left behind (`stuck_tips_requeue`).
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from claims import tasks
from claims.extraction.candidates import score_text
from claims.extraction.decisions import claim_create
from claims.extraction.segmentation import detect_language
from claims.extraction.services import claim_accept
from claims.ingestion.pages import content_hash, normalise_text
from claims.matching import lookup
from claims.models import Article, Claim, Tip, TipGroup
from claims.tips.models import MAX_TIP_CHARS, TOO_LONG
from claims.verdicts import Verdict, published_verdicts, verdicts_by_check
from factcheck.auth import require_perm
from factcheck.celery import Backlog
from factcheck.languages import normalise_language
from factcheck.limits import STUCK_AFTER

# A new tip is compared with the groups asked most recently, in every language: enough to
# catch a claim that is going round, without comparing every tip with every group ever
# formed.
GROUPS_COMPARED = 2000
# A tip sent through the web is compared with our checks at once only if the web process's
# index of our published checks (nothing else can answer a tip) can be brought up to date
# by loading at most this many of them: a first build from 10,375 entries takes about a
# second (bench/checked_before.py), from a million several minutes (bench/ann.py), which a
# reader does not wait for and a web server's timeout cuts short. Past it, the worker that
# groups the tip compares it, and the tip's page shows the check a moment later.
AT_ONCE_LOAD_LIMIT = 10_000
_COMPARED_FIELDS = ("text", "vector", "language", "multilingual_model_name", "multilingual_vector")
SWEEP_BATCH = 1000


class HoneypotFilled(ValidationError):
    """The hidden field only programs fill in was filled in."""


@dataclass(frozen=True)
class Receipt:
    tip: Tip
    check: Verdict | None
    compared: bool  # False: not compared with our checks yet (the worker grouping it will)


def tip_submit(*, text: str, link: str = "", contact: str = "", website: str = "") -> Receipt:
    """Store a reader's tip and queue its grouping; return it with our published check of
    the same claim, if there is one (the reader is shown it at once)."""
    if website:
        raise HoneypotFilled({"website": ["This field must be left empty."]})
    tip = Tip(text=_tip_text(text), link=link.strip(), contact=contact.strip())
    tip.full_clean(exclude=["token", "group"])
    index = lookup.checks_index_within(AT_ONCE_LOAD_LIMIT)
    check = None
    if index is not None:
        language = lookup.text_language(tip.text)
        vectors = lookup.text_vectors(tip.text, language)
        check = lookup.published_check_for(tip.text, vectors, language, index)
    tip.answered_by_check = check.check_id if check else None
    if check:
        tip.contact = ""  # the reader is answered now: the address has nothing left to say
    tip.save()
    tasks.group_tip.delay_on_commit(tip.id)
    return Receipt(tip, check, compared=index is not None)


def _tip_text(text: str) -> str:
    squeezed = normalise_text(text)
    if not squeezed:
        raise ValidationError({"text": ["Write the claim you want us to check."]})
    if len(squeezed) > MAX_TIP_CHARS:
        raise ValidationError({"text": [f"{TOO_LONG} This one has {len(squeezed):,}."]})
    return squeezed


def tip_group(*, tip_id: int) -> TipGroup | None:
    """Put a pending tip in the group of tips about the same claim, or start one; return
    the group, or None for a tip grouped already (a redelivered task changes nothing) or
    left pending while this worker builds its match index."""
    tip = Tip.objects.filter(id=tip_id, grouping=Tip.Grouping.PENDING).first()
    if tip is None:
        return None
    # Not answered when it was sent: compared with our checks here (the web process may not
    # have compared it, AT_ONCE_LOAD_LIMIT, and a check may have been published since).
    index = None if tip.answered_by_check else lookup.worker_index_ready()
    if index is None and not tip.answered_by_check:
        return None  # this worker is still building its index: the sweep sends the tip again
    language = lookup.text_language(tip.text)
    vectors = lookup.text_vectors(tip.text, language)
    same = lookup.same_claim_as(tip.text, vectors, language, _recent_groups())
    check = lookup.published_check_for(tip.text, vectors, language, index) if index else None
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(id=tip_id)
        if tip.grouping != Tip.Grouping.PENDING:
            return None
        group = _joined(same, tip) if same else _started(tip, language, vectors)
        tip.group, tip.grouping = group, Tip.Grouping.GROUPED
        tip.grouping_changed_at = timezone.now()
        answered_now = None if tip.answered_by_check else check
        if answered_now is not None:
            tip.answered_by_check = answered_now.check_id
        tip.save(update_fields=["group", "grouping", "grouping_changed_at", "answered_by_check"])
        if answered_now is not None and tip.contact:  # not answered at once: emailed instead
            tip_readers_notify_request(claim_id=answered_now.claim_id)
    return group


def _joined(group_id: int, tip: Tip) -> TipGroup:
    TipGroup.objects.filter(id=group_id).update(
        count=F("count") + 1, last_asked_at=Greatest("last_asked_at", tip.created_at)
    )
    group = TipGroup.objects.get(id=group_id)
    if group.claim_id and tip.contact:
        tip_readers_notify_request(claim_id=group.claim_id)  # it may be published already
    return group


def _started(tip: Tip, language: str, vectors: lookup.Vectors) -> TipGroup:
    checkworthiness, _ = score_text(tip.text)
    return TipGroup.objects.create(
        text=tip.text,
        vector=vectors.english.tobytes(),
        model_name=lookup.MODEL_NAME,
        language=language,
        **_multilingual_fields(vectors.multilingual),
        count=1,
        first_asked_at=tip.created_at,
        last_asked_at=tip.created_at,
        checkworthiness=checkworthiness,
    )


def _recent_groups() -> list[lookup.Stored]:
    """Return the GROUPS_COMPARED groups asked most recently, each with its language and
    both vectors. Those without the current multilingual vector in a language its encoder
    reads (formed before tips were grouped across languages, or by an earlier model) are
    given it here, once, so that they are found in every language from now on."""
    recent = TipGroup.objects.filter(model_name=lookup.MODEL_NAME).order_by("-last_asked_at")
    groups = list(recent.only(*_COMPARED_FIELDS)[:GROUPS_COMPARED])
    _multilingual_fill([group for group in groups if _lacks_multilingual(group)])
    return [
        lookup.Stored(
            group.id,
            group.text,
            group.language,
            lookup.Vectors(_array(group.vector), _optional_array(group.multilingual_vector)),
        )
        for group in groups
    ]


def _lacks_multilingual(group: TipGroup) -> bool:
    """Whether the group lacks the current multilingual vector in a language its encoder
    may read (a group formed before its language was stored has "": taken for English)."""
    return lookup.multilingual_missing(group.language, group.multilingual_model_name)


def _multilingual_fill(groups: list[TipGroup]) -> None:
    """Detect each group's language and store its multilingual vector if the encoder reads
    it (only the columns filled here: the counts are another transaction's)."""
    if not groups:
        return
    languages = [lookup.text_language(group.text) for group in groups]
    found = lookup.multilingual_vectors([group.text for group in groups], languages)
    for group, language, vector in zip(groups, languages, found, strict=True):
        group.language = language
        for field, value in _multilingual_fields(vector).items():
            setattr(group, field, value)
    TipGroup.objects.bulk_update(
        groups, ["language", "multilingual_model_name", "multilingual_vector"], batch_size=500
    )


def _multilingual_fields(vector: np.ndarray | None) -> dict[str, str | bytes | None]:
    if vector is None:
        return {"multilingual_model_name": "", "multilingual_vector": None}
    return {
        "multilingual_model_name": lookup.MULTILINGUAL_MODEL_NAME,
        "multilingual_vector": vector.tobytes(),
    }


def _array(vector: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(vector), dtype=np.float32)


def _optional_array(vector: bytes | memoryview | None) -> np.ndarray | None:
    return None if vector is None else _array(vector)


@transaction.atomic
def tip_group_claim(*, group: TipGroup, user: User) -> Claim:
    """Turn a group of tips into an accepted claim: the tips' text becomes a source document
    of kind "reader tip", the claim is its whole text, and gathering and matching start."""
    require_perm(user, "claims.change_tipgroup")
    group = TipGroup.objects.select_for_update().get(id=group.id)
    if group.claim_id is not None:
        assert group.claim is not None
        return group.claim
    article = _tip_document(group, user)
    claim, _ = claim_create(article=article, user=user, span_start=0, span_end=len(article.text))
    claim = claim_accept(claim=claim, user=user)
    group.claim, group.status = claim, TipGroup.Status.CLAIMED
    group.claimed_by, group.claimed_at = user, timezone.now()
    group.save(update_fields=["claim", "status", "claimed_by", "claimed_at"])
    return claim


def _tip_document(group: TipGroup, user: User) -> Article:
    """Return the stored text of the group (an article with the same text is reused)."""
    text = normalise_text(group.text)
    existing = Article.objects.filter(Article.having("content_hash", content_hash(text))).first()
    if existing is not None:
        return existing
    return Article.objects.create(
        kind=Article.Kind.READER_TIP,
        title=f"Reader tip, asked {group.count} time{'s' if group.count != 1 else ''}"[:500],
        text=text,
        content_hash=content_hash(text),
        language=normalise_language(detect_language(text)),
        status=Article.Status.EXTRACTED,
        candidates_proposed_at=timezone.now(),  # its claim is made here, not proposed
        submitted_by=user,
    )


def tip_readers_notify_request(*, claim_id: int) -> None:
    """After commit, tell the readers who asked about this claim if its check is published
    (the review desk calls this whenever it publishes or corrects a version)."""
    tasks.notify_tip_readers.delay_on_commit(claim_id)


def tip_readers_notify(*, claim_id: int) -> int:
    """Email each reader who asked about the claim and left an address, once, that its
    check is published; then forget the address. Return how many were told. The readers
    are those whose tips were made the claim, and those whose tip the worker found to be
    this claim already checked (a reader answered at once leaves no address)."""
    verdict = published_verdicts([claim_id]).get(claim_id)
    if verdict is None or verdict.retracted:
        return 0
    asked = Q(group__claim_id=claim_id) | Q(answered_by_check=verdict.check_id)
    waiting = Tip.objects.filter(_untold(), asked).exclude(contact="")
    told = 0
    for tip_id, contact, token in waiting.values_list("id", "contact", "token"):
        # Claimed first, so two workers never send the same news at once. The address is
        # deleted once sent: a worker killed in between leaves the claim to lapse, and the
        # news is sent again (at least once: a reader may, rarely, get it twice).
        if not Tip.objects.filter(_untold(), id=tip_id).update(notified_at=timezone.now()):
            continue
        try:
            _send_news(contact, token, verdict)
        except Exception:
            Tip.objects.filter(id=tip_id).update(notified_at=None)  # the sweep tries again
            raise
        Tip.objects.filter(id=tip_id).update(contact="")
        told += 1
    return told


def _untold() -> Q:
    """Tips whose news is not being sent: never claimed, or claimed by a send that has not
    finished within STUCK_AFTER (its worker died). Tips already told have no address left."""
    return Q(notified_at=None) | Q(notified_at__lt=timezone.now() - STUCK_AFTER)


def _send_news(contact: str, token: str, verdict: Verdict) -> None:
    headline = " ".join(verdict.headline.split())  # one line: it goes in a header
    send_mail(
        subject=f"We checked the claim you sent us: {verdict.rating}"[:200],
        message=(
            f"You asked us to check a claim. We have published our fact check:\n\n"
            f"{headline}\nOur rating: {verdict.rating}\n"
            f"{settings.SITE_URL}{verdict.url}\n\n"
            f"The status of your tip: {settings.SITE_URL}/tips/{token}/\n\n"
            "We have now deleted your email address.\n"
            f"{settings.PUBLISHER_NAME}"
        ),
        from_email=None,
        recipient_list=[contact],
    )


def tip_contact_forget(*, tip: Tip) -> Tip:
    """Delete the reader's contact address (on the reader's request)."""
    Tip.objects.filter(id=tip.id).update(contact="")
    tip.refresh_from_db()
    return tip


def stuck_tips_requeue(stuck_after: timedelta, backlog: Backlog) -> int:
    """Enqueue again the grouping that never finished, and the news not yet sent for
    claims whose check is published (to the readers of tips made the claim, or found to
    be the claim checked already); return how many were enqueued."""
    cutoff = timezone.now() - stuck_after
    pending = Tip.objects.filter(grouping=Tip.Grouping.PENDING, grouping_changed_at__lt=cutoff)
    if backlog.holds(tasks.group_tip):  # their messages may wait in it
        pending = pending.none()
    tip_ids = list(pending.order_by("id").values_list("id", flat=True)[:SWEEP_BATCH])
    Tip.objects.filter(id__in=tip_ids).update(grouping_changed_at=timezone.now())
    for tip_id in tip_ids:
        tasks.group_tip.delay_on_commit(tip_id)
    waiting = Tip.objects.filter(_untold()).exclude(contact="")
    made_claims = waiting.filter(group__claim__isnull=False).values_list("group__claim_id")
    answered = waiting.filter(answered_by_check__isnull=False).values_list("answered_by_check")
    verdicts = [
        *published_verdicts({id_ for (id_,) in made_claims[:SWEEP_BATCH]}).values(),
        *verdicts_by_check({id_ for (id_,) in answered[:SWEEP_BATCH] if id_}).values(),
    ]
    published = {verdict.claim_id for verdict in verdicts if not verdict.retracted}
    for claim_id in published:
        tasks.notify_tip_readers.delay_on_commit(claim_id)
    return len(tip_ids) + len(published)
