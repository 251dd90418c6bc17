"""Tips about the same claim are grouped into one item with a count and the first and last
time asked; editors see the groups in the admin, most asked and most check-worthy first, and
turn one into a claim in one click (its text a source document of kind "reader tip")."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from claims.models import Article, Claim, ClaimEvent, Tip, TipGroup
from claims.sweep import stuck_work_requeue
from claims.tips.services import tip_group, tip_group_claim, tip_submit

pytestmark = pytest.mark.django_db

BRIDGE_TIPS = [
    "Is it true that the Harbour Street bridge in Riverton cost 400 million dollars?",
    "The Harbour Street bridge cost Riverton 400 million dollars, a post says.",
    "Riverton's Harbour Street bridge cost taxpayers $400 million??",
]
FERRY = "Riverton's ferry fares doubled in January for everyone over sixty."


def tipped(text: str, **fields: Any) -> Tip:
    tip = tip_submit(text=text, **fields).tip
    tip_group(tip_id=tip.id)
    tip.refresh_from_db()
    return tip


def test_tips_about_one_claim_become_one_group_with_a_count(db: None) -> None:
    tips = [tipped(text) for text in BRIDGE_TIPS]
    ferry = tipped(FERRY)
    [bridge] = {tip.group for tip in tips}
    assert bridge is not None and ferry.group is not None and ferry.group != bridge
    bridge.refresh_from_db()
    assert bridge.count == 3 and bridge.text == BRIDGE_TIPS[0]
    assert bridge.first_asked_at == tips[0].created_at
    assert bridge.last_asked_at == tips[2].created_at
    assert ferry.group.count == 1
    assert all(tip.grouping == Tip.Grouping.GROUPED for tip in [*tips, ferry])


def test_grouping_a_tip_twice_counts_it_once(db: None) -> None:
    tip = tipped(BRIDGE_TIPS[0])
    assert tip_group(tip_id=tip.id) is None
    assert TipGroup.objects.get().count == 1


def test_a_lost_grouping_message_is_sent_again_by_the_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    tip = tip_submit(text=FERRY).tip
    Tip.objects.filter(id=tip.id).update(grouping_changed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 1
    assert [callback.args for callback in enqueued] == [(tip.id,)]
    tip_group(tip_id=tip.id)
    assert stuck_work_requeue() == 0


def test_the_inbox_lists_groups_most_asked_first(client: Client, editor: User) -> None:
    for text in BRIDGE_TIPS:
        tipped(text)
    tipped(FERRY)
    client.force_login(editor)
    response = client.get("/admin/claims/tipgroup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 times" in html and "1 time" in html
    assert html.index("Harbour Street") < html.index("ferry fares")


def test_one_click_turns_a_group_into_an_accepted_claim(
    client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    for text in BRIDGE_TIPS:
        tipped(text)
    group = TipGroup.objects.get()
    client.force_login(editor)
    page = client.get(f"/admin/claims/tipgroup/{group.id}/change/").content.decode()
    assert "Make it a claim" in page
    response = client.post(f"/admin/claims/tipgroup/{group.id}/claim/")
    group.refresh_from_db()
    claim = group.claim
    assert claim is not None
    assert response["Location"] == f"/admin/claims/claim/{claim.id}/change/"
    assert (group.status, group.claimed_by) == (TipGroup.Status.CLAIMED, editor)
    assert claim.status == Claim.Status.ACCEPTED and claim.text == BRIDGE_TIPS[0]
    article = claim.article
    assert article.kind == Article.Kind.READER_TIP and article.text == BRIDGE_TIPS[0]
    assert article.status == Article.Status.EXTRACTED
    actions = set(claim.events.values_list("action", flat=True))
    assert {ClaimEvent.Action.CREATE, ClaimEvent.Action.ACCEPT} <= actions
    # Again: the same claim, nothing new.
    client.post(f"/admin/claims/tipgroup/{group.id}/claim/")
    assert Claim.objects.count() == 1


def test_only_editors_turn_tips_into_claims(reviewer: User, outsider: User) -> None:
    group = tipped(FERRY).group
    assert group is not None
    for user in (reviewer, outsider):
        with pytest.raises(PermissionDenied):
            tip_group_claim(group=group, user=user)
    assert not Claim.objects.exists()


def test_a_readers_address_is_not_shown_to_editors(client: Client, editor: User) -> None:
    tipped(FERRY, contact="reader@example.org")
    client.force_login(editor)
    group = TipGroup.objects.get()
    for url in ("/admin/claims/tipgroup/", f"/admin/claims/tipgroup/{group.id}/change/",
                "/admin/claims/tip/"):  # fmt: skip
        assert "reader@example.org" not in client.get(url).content.decode()


def test_tip_text_is_escaped_in_the_inbox(client: Client, editor: User) -> None:
    tipped("The mayor said <script>alert(1)</script> the bridge cost 400 million dollars.")
    client.force_login(editor)
    html = client.get("/admin/claims/tipgroup/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
