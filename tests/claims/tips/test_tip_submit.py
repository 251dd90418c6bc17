"""Readers send claims to check at /tips/ or POST /api/v1/tips/, with no account: a tip we
have checked already is answered at once with our check; any other gets a receipt with a
private status link. Bad input gets a clear answer and nothing half-stored."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from claims.matching import follower
from claims.models import Tip
from claims.tips.models import MAX_TIP_CHARS
from claims.tips.services import tip_group
from reviewers.models import Review
from tests.claims.matching.conftest import imported_review

pytestmark = pytest.mark.django_db

UNCHECKED = "The mayor of Riverton has banned bicycles from the old town square since May."


def send(data: dict[str, Any], *, client: APIClient | None = None, **headers: str) -> Any:
    return (client or APIClient()).post("/api/v1/tips/", data, format="json", headers=headers)


def test_a_tip_about_a_checked_claim_is_answered_with_the_check_at_once(
    published_bridge_check: Review,
) -> None:
    response = send(
        {"text": "Is it true Riverton's Harbour Street bridge cost 400 million dollars?"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["check"] == {
        "id": published_bridge_check.id,
        "url": f"http://127.0.0.1:8000/checks/{published_bridge_check.id}/",
        "headline": "No, the bridge did not cost $400 million",
        "rating": "False",
    }
    assert body["compared"] is True
    tip = Tip.objects.get()
    assert tip.answered_by_check == published_bridge_check.id
    assert body["status_url"] == f"http://127.0.0.1:8000/tips/{tip.token}/"


def test_a_german_tip_is_answered_by_our_english_check(published_bridge_check: Review) -> None:
    german = (
        "Stimmt es, dass die Harbour-Street-Brücke in Riverton 400 Millionen Dollar gekostet hat?"
    )

    response = send({"text": german})

    assert response.status_code == 201, response.json()
    assert response.json()["check"]["id"] == published_bridge_check.id
    assert Tip.objects.get().answered_by_check == published_bridge_check.id


def test_a_spanish_tip_about_an_unchecked_claim_gets_a_receipt(
    published_bridge_check: Review,
) -> None:
    spanish = "El alcalde de Riverton ha prohibido las bicicletas en la plaza del casco antiguo."

    body = send({"text": spanish}).json()

    assert body["check"] is None and Tip.objects.get().answered_by_check is None


def test_a_tip_about_an_unchecked_claim_gets_a_receipt(published_bridge_check: Review) -> None:
    body = send({"text": UNCHECKED, "link": "https://social.example/p/1", "contact": "r@ex.org"})
    assert body.status_code == 201
    assert body.json()["check"] is None
    tip = Tip.objects.get()
    assert (tip.text, tip.link, tip.contact) == (
        UNCHECKED,
        "https://social.example/p/1",
        "r@ex.org",
    )
    assert tip.grouping == Tip.Grouping.PENDING and tip.answered_by_check is None
    assert len(tip.token) >= 32


def test_the_form_sends_the_reader_to_the_tips_private_page(
    client: Client, published_bridge_check: Review
) -> None:
    form = client.get("/tips/")
    assert form.status_code == 200
    html = form.content.decode()
    assert '<label for="id_text">' in html and '<label for="id_contact">' in html
    response = client.post(
        "/tips/", {"text": "Did the Harbour Street bridge cost 400 million dollars?"}
    )
    tip = Tip.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tips/{tip.token}/?sent=1"
    page = client.get(response["Location"]).content.decode()
    assert "We have checked this claim" in page
    assert f'href="/checks/{published_bridge_check.id}/"' in page


def test_a_tip_is_answered_at_once_however_many_reviews_the_newsroom_has_imported(
    published_bridge_check: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported reviews cannot answer a tip, so they do not count towards what a web
    process may load to answer one: only our own claims do."""
    for number in range(3):
        imported_review(f"{UNCHECKED} ({number})", f"https://checkers.example/{number}")
    monkeypatch.setattr("claims.tips.services.AT_ONCE_LOAD_LIMIT", 1)  # our one claim

    response = send({"text": "Did Riverton's Harbour Street bridge cost 400 million dollars?"})

    assert response.status_code == 201
    assert response.json()["compared"] is True
    assert response.json()["check"]["id"] == published_bridge_check.id
    assert len(follower._process_followers[True].index) == 1


def test_a_web_server_never_builds_a_large_index_for_a_tip_and_the_worker_answers_it(
    client: Client, published_bridge_check: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh web process of a newsroom with a million stored entries would take minutes
    to build its index; the tip is stored at once, and the worker that groups it finds the
    check, which the tip's page then shows."""
    monkeypatch.setattr("claims.tips.services.AT_ONCE_LOAD_LIMIT", 0)  # 1 entry is too many

    response = send({"text": "Did Riverton's Harbour Street bridge cost 400 million dollars?"})

    assert response.status_code == 201
    assert response.json()["check"] is None and response.json()["compared"] is False
    tip = Tip.objects.get()
    assert tip.answered_by_check is None and tip.grouping == Tip.Grouping.PENDING
    assert follower._process_followers[True].watermark == 0  # the web process read nothing
    waiting = client.get(f"/tips/{tip.token}/").content.decode()
    assert "We are comparing it with the claims we have checked" in waiting

    tip_group(tip_id=tip.id)  # the worker

    tip.refresh_from_db()
    assert tip.answered_by_check == published_bridge_check.id
    page = client.get(f"/tips/{tip.token}/").content.decode()
    assert "We have checked this claim" in page
    assert f'href="/checks/{published_bridge_check.id}/"' in page


def test_a_tip_reaching_a_worker_still_building_its_index_waits_and_is_answered_after(
    published_bridge_check: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported_review(UNCHECKED, "https://checkers.example/bicycles")  # two rows to read
    monkeypatch.setattr("claims.tips.services.AT_ONCE_LOAD_LIMIT", 0)
    send({"text": "Did Riverton's Harbour Street bridge cost 400 million dollars?"})
    monkeypatch.setattr(follower, "LOAD_CHUNK", 1)
    monkeypatch.setattr("claims.matching.lookup.INDEX_BUILD_SECONDS", 0)
    tip = Tip.objects.get()

    assert tip_group(tip_id=tip.id) is None  # one row read of two: the sweep sends it again
    tip.refresh_from_db()
    assert tip.grouping == Tip.Grouping.PENDING and tip.answered_by_check is None

    assert tip_group(tip_id=tip.id) is not None
    tip.refresh_from_db()
    assert tip.grouping == Tip.Grouping.GROUPED
    assert tip.answered_by_check == published_bridge_check.id


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": ""}, "text", "Write the claim you want us to check."),
        ({"text": "   \n  "}, "text", "Write the claim you want us to check."),
        ({"text": "x" * (MAX_TIP_CHARS + 1)}, "text", "A tip holds at most 5,000 characters"),
        ({"text": UNCHECKED, "contact": "not an address"}, "contact", "valid email address"),
        ({"text": UNCHECKED, "link": "javascript:alert(1)"}, "link", "valid URL"),
        ({"text": UNCHECKED, "website": "https://spam.example"}, "website", "left empty"),
    ],
)
def test_bad_tips_get_a_clear_answer_and_nothing_is_stored(
    data: dict[str, str], field: str, message: str
) -> None:
    response = send(data)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Tip.objects.exists()


def test_a_two_megabyte_tip_is_refused_in_words(client: Client) -> None:
    huge = "The bridge cost a fortune. " * 80_000  # about 2 MB
    assert send({"text": huge}).status_code == 400
    response = client.post("/tips/", {"text": huge})
    assert response.status_code == 400
    assert "A tip holds at most 5,000 characters" in response.content.decode()
    assert not Tip.objects.exists()


def test_bad_input_on_the_form_is_shown_beside_the_field_and_kept(client: Client) -> None:
    response = client.post("/tips/", {"text": UNCHECKED, "contact": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'aria-invalid="true"' in html
    assert UNCHECKED in html  # what the reader wrote is not lost
    assert not Tip.objects.exists()


def test_one_client_sending_a_thousand_tips_in_a_minute_is_stopped(settings: Any) -> None:
    settings.TIP_RATE = "10/minute"
    reader = APIClient()
    answers = [send({"text": f"{UNCHECKED} ({n})"}, client=reader).status_code for n in range(1000)]
    assert answers[:10] == [201] * 10
    assert set(answers[10:]) == {429}
    assert Tip.objects.count() == 10


def test_the_form_and_the_api_share_one_limit(client: Client, settings: Any) -> None:
    settings.TIP_RATE = "2/minute"
    assert send({"text": UNCHECKED}).status_code == 201
    assert client.post("/tips/", {"text": UNCHECKED + " again"}).status_code == 302
    refused = client.post("/tips/", {"text": UNCHECKED + " once more"})
    assert refused.status_code == 429
    assert "try again in" in refused.content.decode()
    assert Tip.objects.count() == 2


def test_html_and_scripts_in_a_tip_are_text_everywhere(client: Client) -> None:
    hostile = 'The mayor said <script>alert(1)</script> <img src=x onerror="alert(2)"> & more.'
    response = client.post("/tips/", {"text": hostile})
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert Tip.objects.get().text == hostile  # stored as sent, shown as text
