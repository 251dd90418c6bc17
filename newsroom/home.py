"""What needs me now: the home page's list, for the signed-in user.

Each item is one count with a link to the page where the work is done, and only the items
the user's permissions let them act on. An item that is zero stays on the list (it says
"nothing waiting", which is news too) so the page keeps its shape from day to day.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.urls import reverse

from claims.models import Article, Claim, TipGroup
from reviewers.queue import QueueFilters, review_queue


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str
    hint: str


def needs_me(user: User) -> list[Item]:
    """Return what this user can act on now, with counts and the page where they do it."""
    items: list[Item] = []
    if user.has_perm("reviewers.change_review"):
        items.append(_my_assignments(user))
    if user.has_perm("reviewers.approve_review"):
        items.append(_awaiting_my_approval(user))
    if user.has_perm("claims.change_claim"):
        items += [_candidates(), _failed_gathering()]
    if user.has_perm("claims.change_article"):
        items.append(_failed_articles())
    if user.has_perm("claims.change_tipgroup"):
        items.append(_new_tips())
    return items


def _my_assignments(user: User) -> Item:
    mine = review_queue(user=user, filters=QueueFilters(mine=True)).count()
    url = reverse("admin:reviewers_review_changelist") + "?mine=on"
    return Item("My assignments", mine, url, "open claims given to you")


def _awaiting_my_approval(user: User) -> Item:
    waiting = review_queue(user=user, filters=QueueFilters(awaiting_my_approval=True)).count()
    url = reverse("admin:reviewers_review_changelist") + "?awaiting_my_approval=on"
    return Item("Verdicts awaiting my approval", waiting, url, "written by someone else")


def _candidates() -> Item:
    waiting = Claim.objects.filter(status=Claim.Status.CANDIDATE).count()
    url = reverse("admin:claims_claim_changelist") + "?status__exact=candidate"
    return Item("Claim candidates", waiting, url, "proposed by extraction, to accept or dismiss")


def _failed_gathering() -> Item:
    failed = Claim.objects.accepted().filter(gathering=Claim.Gathering.FAILED).count()
    url = reverse("admin:claims_claim_changelist") + "?gathering__exact=failed"
    return Item("Gathering failures", failed, url, "accepted claims whose evidence search failed")


def _new_tips() -> Item:
    waiting = TipGroup.objects.filter(status=TipGroup.Status.OPEN).count()
    url = reverse("admin:claims_tipgroup_changelist") + "?status__exact=open"
    return Item("New reader tips", waiting, url, "claims readers asked about, not yet checked")


def _failed_articles() -> Item:
    failed = Article.objects.filter(status=Article.Status.FAILED).count()
    url = reverse("admin:claims_article_changelist") + "?status__exact=failed"
    return Item("Articles that failed to ingest", failed, url, "retry them or read the reason")
