"""The links confirmed matches make, re-formed from the confirmed matches themselves.

A group of duplicates is a connected set of claims joined by confirmed claim–claim matches.
Every member but one points at that one, the group's canonical claim (`duplicate_of`); every
member of a group in which some claim was confirmed as checked by another fact-checker points
at that review (`checked_by_external`). Each decision re-forms the groups it touches from the
confirmed matches rather than patching pointers, so confirming two groups as the same and
undoing a match inside a group come out right whatever came before.

Why every member carries `checked_by_external`, not the canonical claim alone: whatever asks
"was this checked before?" — the reviewers' queue (`Claim.objects.needing_review()`), the
desk's refusal to start, gathering, the editor's view, the API — reads the claim's own column
and needs to know nothing of groups. And because the column is recomputed from the group's
confirmed matches, a merge spreads it to the newcomers and an undo takes it back from exactly
the part that no longer holds the confirmed claim. Kept on the canonical claim only, it would
be lost when a merge makes another claim canonical, and an undo would have to guess which
part keeps it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from claims.matching.models import ClaimMatch
from claims.models import Claim
from claims.verdicts import reviewed

# The key of the PostgreSQL advisory lock that regrouping decisions take: any number that
# nothing else in the database uses as a key.
REGROUPING_LOCK = 0x6663_0008


@dataclass(frozen=True)
class Links:
    """What a claim is linked to as checked before."""

    duplicate_of: int | None = None
    checked_by_external: int | None = None

    @property
    def checked_before(self) -> bool:
        return self.duplicate_of is not None or self.checked_by_external is not None


@dataclass(frozen=True)
class Relinking:
    """The claims of some groups, locked, with their links now and as the matches say."""

    claims: dict[int, Claim]
    links: dict[int, Links]

    def before(self, claim_id: int) -> Links:
        claim = self.claims[claim_id]
        return Links(claim.duplicate_of_id, claim.checked_by_external_id)

    @property
    def released(self) -> list[int]:
        """The claims that were checked before and no longer are: back to needing review."""
        return sorted(
            claim_id
            for claim_id, links in self.links.items()
            if self.before(claim_id).checked_before and not links.checked_before
        )

    @property
    def checked_before(self) -> list[int]:
        return sorted(claim_id for claim_id, links in self.links.items() if links.checked_before)


def links_plan(claim_ids: Iterable[int]) -> Relinking:
    """Lock the groups of these claims and work out every member's links from the confirmed
    matches (the caller has already changed the match it decides on)."""
    _one_regrouping_at_a_time()
    claims = _locked_groups(set(claim_ids))
    links: dict[int, Links] = {}
    for members in _components(claims):
        canonical = _canonical(members)
        external = _external_review(member.id for member in members)
        for member in members:
            duplicate_of = None if member.id == canonical.id else canonical.id
            links[member.id] = Links(duplicate_of, external)
    return Relinking(claims, links)


def links_apply(plan: Relinking) -> None:
    """Save the links that changed."""
    for claim_id, links in plan.links.items():
        if links == plan.before(claim_id):
            continue
        claim = plan.claims[claim_id]
        claim.duplicate_of_id, claim.checked_by_external_id = (
            links.duplicate_of,
            links.checked_by_external,
        )
        claim.save(update_fields=["duplicate_of", "checked_by_external"])


def _one_regrouping_at_a_time() -> None:
    """Wait until no other transaction is regrouping (PostgreSQL; SQLite runs one writer at
    a time anyway). Groups are locked round by round as they are found, so two decisions
    joining the same groups could each hold a round the other needs next, and PostgreSQL
    would abort one as a deadlock. Editors' decisions are few; taking them one at a time
    costs nothing. Released when the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REGROUPING_LOCK])


def _locked_groups(seeds: set[int]) -> dict[int, Claim]:
    """Lock the seeds and every claim of their groups: joined to them by confirmed matches, or
    pointing at the same canonical claim. Each round locks what the last one found and looks
    again, so the final look sees the groups as no other decision can change them (a decision
    locks the claims it links) until this transaction ends."""
    locked: dict[int, Claim] = {}
    asked: set[int] = set()
    wanted = seeds
    while wanted - asked:
        fresh = Claim.objects.select_for_update().filter(id__in=wanted - asked).order_by("id")
        asked |= wanted
        locked.update((claim.id, claim) for claim in fresh)
        wanted = _joined(locked.values())
    return locked


def _joined(claims: Iterable[Claim]) -> set[int]:
    """Return the claims, their groups' members as stored, and the claims their confirmed
    matches join them to."""
    claims = list(claims)
    ids = {claim.id for claim in claims}
    heads = {claim.duplicate_of_id or claim.id for claim in claims}
    members = Claim.objects.filter(Q(id__in=heads) | Q(duplicate_of__in=heads))
    pairs = _confirmed_pairs(Q(claim_id__in=ids) | Q(matched_claim_id__in=ids))
    return ids | set(members.values_list("id", flat=True)) | {id_ for pair in pairs for id_ in pair}


def _confirmed_pairs(where: Q) -> list[tuple[int, int]]:
    confirmed = ClaimMatch.objects.filter(
        where, status=ClaimMatch.Status.CONFIRMED, matched_claim__isnull=False
    )
    return [
        (claim, other) for claim, other in confirmed.values_list("claim_id", "matched_claim_id")
    ]


def _components(claims: dict[int, Claim]) -> list[list[Claim]]:
    """Split the claims into groups: connected by confirmed claim–claim matches."""
    parent = {claim_id: claim_id for claim_id in claims}

    def root(claim_id: int) -> int:
        while parent[claim_id] != claim_id:
            claim_id = parent[claim_id]
        return claim_id

    ids = list(claims)
    for claim_id, other_id in _confirmed_pairs(Q(claim_id__in=ids, matched_claim_id__in=ids)):
        parent[root(claim_id)] = root(other_id)
    groups: dict[int, list[Claim]] = {}
    for claim_id in sorted(claims):
        groups.setdefault(root(claim_id), []).append(claims[claim_id])
    return list(groups.values())


def _canonical(members: list[Claim]) -> Claim:
    """Return the claim a group is checked under: one that already was canonical, so no
    group moves from under a reviewer (when groups merge, the one a reviewer works on wins);
    else one a reviewer works on, then an accepted one, then the earliest."""
    if len(members) == 1:
        return members[0]
    under_review = reviewed(m.id for m in members)
    return min(
        members,
        key=lambda claim: (
            claim.duplicate_of_id is not None,
            claim.id not in under_review,
            claim.status != Claim.Status.ACCEPTED,
            claim.created_at,
            claim.id,
        ),
    )


def _external_review(member_ids: Iterable[int]) -> int | None:
    """Return the other fact-checker's review confirmed last for any member of a group."""
    confirmed = ClaimMatch.objects.filter(
        claim_id__in=list(member_ids),
        status=ClaimMatch.Status.CONFIRMED,
        matched_external__isnull=False,
    )
    return (
        confirmed.order_by("-decided_at", "-id")
        .values_list("matched_external_id", flat=True)
        .first()
    )
