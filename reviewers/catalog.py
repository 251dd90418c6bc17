"""The newsroom's catalogue: tags, the rating scale and webhook subscriptions.

Every change goes through a function here, for the API as for the admin, and each checks
the standard model permission (reviewers.add_tag, change_rating, delete_webhooksubscription,
…) and validates the whole row before saving it.
"""

import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from factcheck.auth import require_perm
from reviewers.models import PublishedCheck, Rating, Review, Tag, WebhookSubscription
from reviewers.publishing.webhooks import deliverable_url, known_events, webhook_subscribe


class RatingInUse(Exception):
    """A rating that verdicts or published checks carry cannot leave the scale."""

    http_status = 409


def tag_create(*, user: User, name: str, slug: str = "") -> Tag:
    """File checks under a new topic; the slug is made from the name unless given."""
    require_perm(user, "reviewers.add_tag")
    tag = Tag(name=name.strip(), slug=slug.strip() or slugify(name))
    tag.full_clean()
    tag.save()
    return tag


def tag_update(*, tag: Tag, user: User, name: str | None = None, slug: str | None = None) -> Tag:
    """Rename a tag. Published checks keep the slug they were published with."""
    require_perm(user, "reviewers.change_tag")
    if name is not None:
        tag.name = name.strip()
    if slug is not None:
        tag.slug = slug.strip()
    tag.full_clean()
    tag.save(update_fields=["name", "slug"])
    return tag


def tag_delete(*, tag: Tag, user: User) -> None:
    """Drop a tag from the catalogue and from the reviews filed under it."""
    require_perm(user, "reviewers.delete_tag")
    tag.delete()


def rating_create(
    *, user: User, label: str, value: int, description: str = "", scored: bool = True
) -> Rating:
    """Add a step to the rating scale; labels and values are unique along it."""
    require_perm(user, "reviewers.add_rating")
    rating = Rating(label=label.strip(), value=value, description=description, scored=scored)
    rating.full_clean()
    rating.save()
    return rating


def rating_update(
    *,
    rating: Rating,
    user: User,
    label: str | None = None,
    value: int | None = None,
    description: str | None = None,
    scored: bool | None = None,
) -> Rating:
    """Change a step of the scale. Published versions keep what they were published with."""
    require_perm(user, "reviewers.change_rating")
    if label is not None:
        rating.label = label.strip()
    if value is not None:
        rating.value = value
    if description is not None:
        rating.description = description
    if scored is not None:
        rating.scored = scored
    rating.full_clean()
    rating.save(update_fields=["label", "value", "description", "scored"])
    return rating


@transaction.atomic
def rating_delete(*, rating: Rating, user: User) -> None:
    """Take a step off the scale, unless a verdict or a published check carries it."""
    require_perm(user, "reviewers.delete_rating")
    # Locked, so that no verdict can take the rating between the check and the delete.
    rating = Rating.objects.select_for_update().get(id=rating.id)
    if reason := rating_in_use(rating):
        raise RatingInUse(reason)
    rating.delete()


def rating_in_use(rating: Rating) -> str:
    """Return why the rating must stay on the scale, or "" if nothing carries it."""
    if Review.objects.filter(rating=rating).exists():
        return f"“{rating.label}” is the rating of a verdict: it cannot be deleted."
    if PublishedCheck.objects.filter(rating_label=rating.label).exists():
        return f"“{rating.label}” is the rating of a published check: it stays."
    return ""


def webhook_subscription_create(
    *, user: User, url: str, events: list[str], secret: str = "", active: bool = True
) -> WebhookSubscription:
    """Subscribe a partner's URL; a strong secret is made unless one is given."""
    require_perm(user, "reviewers.add_webhooksubscription")
    return webhook_subscribe(
        url=url, secret=secret or secrets.token_urlsafe(32), events=events, active=active
    )


def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    user: User,
    url: str | None = None,
    events: list[str] | None = None,
    secret: str | None = None,
    active: bool | None = None,
) -> WebhookSubscription:
    """Change where, what or with which secret a partner is told, or pause it."""
    require_perm(user, "reviewers.change_webhooksubscription")
    if url is not None:
        subscription.url = deliverable_url(url)
    if events is not None:
        subscription.events = known_events(events)
    if secret is not None:
        subscription.secret = secret
    if active is not None:
        subscription.active = active
    subscription.full_clean()
    subscription.save(update_fields=["url", "events", "secret", "active"])
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription, user: User) -> None:
    """Stop telling a partner; its delivery log goes with it."""
    require_perm(user, "reviewers.delete_webhooksubscription")
    subscription.delete()
