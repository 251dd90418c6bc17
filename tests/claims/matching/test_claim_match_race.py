"""Two editors confirm matches that join the same groups at the same moment: both decisions
go through, one after the other, and the groups come out as one (each thread has its own
database connection, as two web requests would). Regrouping locks a group's claims round
by round as it finds them, so without one regrouping at a time two such decisions could
each hold what the other wants next, and PostgreSQL would abort one of them."""

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection

from claims.matching.decisions import claim_match_confirm
from claims.models import Claim
from tests.claims.matches import suggest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 8


def confirm_together(*decisions: Callable[[], object]) -> list[BaseException]:
    """Run the decisions in threads released at the same instant; return their errors."""
    start = threading.Barrier(len(decisions))
    errors: list[BaseException] = []

    def run(decide: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            decide()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(decide,)) for decide in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_confirmations_joining_the_same_two_groups_both_go_through(
    round_number: int, make_claim: Callable[..., Claim], editor: User
) -> None:
    a, b, c, d = (make_claim(f"The bridge cost 400 million dollars ({n}).") for n in "abcd")
    claim_match_confirm(match=suggest(b, a), user=editor)  # group {a, b}
    claim_match_confirm(match=suggest(d, c), user=editor)  # group {c, d}
    b_c, a_d = suggest(b, c), suggest(a, d)

    errors = confirm_together(
        lambda: claim_match_confirm(match=b_c, user=editor),
        lambda: claim_match_confirm(match=a_d, user=editor),
    )

    assert errors == []
    canonical = {claim.duplicate_of_id or claim.id for claim in Claim.objects.all()}
    assert len(canonical) == 1
