"""RSS and Atom feeds: subscribe, poll with conditional GET, ingest each new item once."""

import io
from datetime import timedelta

import feedparser
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.utils import timezone

from claims import tasks
from claims.ingestion.fetching import FEED_TYPES, FetchedPage, FetchError, check_url, fetch
from claims.ingestion.services import article_submit
from claims.models import Feed, FeedEntry
from factcheck.auth import require_perm


def feed_subscribe(
    *,
    url: str,
    title: str = "",
    active: bool = True,
    poll_every: timedelta | None = None,
    user: User | None,
) -> Feed:
    """Start following a feed; its first poll is queued at once (if active)."""
    require_perm(user, "claims.add_feed")
    url = feed_url_check(url)
    feed = Feed(url=url, title=title.strip(), active=active)
    if poll_every is not None:
        feed.poll_every = poll_every
    feed.full_clean()
    feed.save()
    if feed.active:
        tasks.poll_feed.delay_on_commit(feed.id)
    return feed


def feed_url_check(url: str) -> str:
    """Return the URL of a feed to follow, or raise ValidationError saying why not: one
    fetching may not reach, or a feed followed already."""
    url = url.strip()
    try:
        check_url(url)
    except FetchError as error:
        raise ValidationError({"url": str(error)}) from None
    if Feed.objects.filter(url=url).exists():
        raise ValidationError({"url": "This feed is followed already."})
    return url


def feed_update(
    *,
    feed: Feed,
    user: User | None,
    title: str | None = None,
    active: bool | None = None,
    poll_every: timedelta | None = None,
) -> Feed:
    """Rename, pause, resume or re-time a feed. Its URL stays: its entries belong to it."""
    require_perm(user, "claims.change_feed")
    if title is not None:
        feed.title = title.strip()
    if active is not None:
        feed.active = active
    if poll_every is not None:
        feed.poll_every = poll_every
    feed.full_clean()
    feed.save(update_fields=["title", "active", "poll_every"])
    return feed


def feed_delete(*, feed: Feed, user: User | None) -> None:
    """Stop following a feed and forget its entries; the articles it brought in stay."""
    require_perm(user, "claims.delete_feed")
    feed.delete()


def feed_poll_now(*, feed: Feed, user: User | None) -> None:
    """Queue a poll of the feed now, whatever its interval (paused feeds too)."""
    require_perm(user, "claims.change_feed")
    tasks.poll_feed.delay_on_commit(feed.id)


def feeds_poll_due() -> int:
    """Queue a poll of every active feed whose interval has passed; return how many.

    A feed is polled once per due time: its poll is claimed by stamping `polled_at` when it
    is sent, with a conditional UPDATE on the time read, so a second run for the same due
    time (beat restarted, its message delivered twice, two runs at once) sends nothing.
    A poll whose message is lost waits for the feed's next turn.
    """
    next_poll = ExpressionWrapper(F("polled_at") + F("poll_every"), output_field=DateTimeField())
    due = Feed.objects.filter(active=True).annotate(next_poll=next_poll)
    due = due.filter(Q(polled_at=None) | Q(next_poll__lte=timezone.now()))
    sent = 0
    for feed_id, polled_at in due.values_list("id", "polled_at"):
        claimed = Feed.objects.filter(id=feed_id, polled_at=polled_at).update(
            polled_at=timezone.now()
        )
        if claimed:
            tasks.poll_feed.delay_on_commit(feed_id)
            sent += 1
    return sent


def feed_poll(*, feed_id: int) -> int:
    """Fetch the feed (conditionally) and submit each item not seen before; return how many."""
    feed = Feed.objects.get(id=feed_id)
    validators = {"If-None-Match": feed.etag, "If-Modified-Since": feed.last_modified}
    try:
        page = fetch(
            feed.url, accept=FEED_TYPES, headers={k: v for k, v in validators.items() if v}
        )
        entries = [] if page.not_modified else _entries(page)
    except (FetchError, ValidationError) as error:
        _polled(feed, error=" ".join(getattr(error, "messages", [str(error)])))
        return 0
    new = sum(_ingest_entry(feed, guid, link) for guid, link in entries)
    _polled(feed, page=page)
    return new


def _entries(page: FetchedPage) -> list[tuple[str, str]]:
    """Return (guid, link) of each item. The body is handed over as a stream, because
    feedparser would open a string that looks like a URL or a file name."""
    parsed = feedparser.parse(io.BytesIO(page.body), response_headers=dict(page.headers))
    if parsed.bozo and not parsed.entries:
        raise ValidationError(f"Not a readable RSS or Atom feed: {parsed.bozo_exception}.")
    entries = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if link:
            entries.append(((entry.get("id") or link)[:2000], link[:2000]))
    return entries


def _ingest_entry(feed: Feed, guid: str, link: str) -> bool:
    if FeedEntry.objects.filter(feed=feed, guid=guid).exists():
        return False
    try:
        with transaction.atomic():
            article = article_submit(url=link).article
            FeedEntry.objects.create(feed=feed, guid=guid, link=link, article=article)
    except ValidationError:
        FeedEntry.objects.get_or_create(feed=feed, guid=guid, defaults={"link": link})
        return False  # an item whose link cannot be fetched is recorded and skipped
    except IntegrityError:
        return False  # another poll of this feed took it at the same moment
    return True


def _polled(feed: Feed, *, page: FetchedPage | None = None, error: str = "") -> None:
    feed.polled_at = timezone.now()
    feed.last_error = error
    if page and not page.not_modified:
        feed.etag = page.headers.get("etag", "")[:300]
        feed.last_modified = page.headers.get("last-modified", "")[:100]
    feed.save(update_fields=["polled_at", "last_error", "etag", "last_modified"])
