"""Published checks, claims and the audit events export as CSV and JSON Lines, from the API
and from an admin action, streamed in chunks, and only to those who may read them."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from claims.models import Claim, ClaimEvent
from newsroom.exports import CHUNK_ROWS
from reviewers.models import PublishedCheck, Review, ReviewEvent

Publish = Callable[..., Review]


def body(response: Any) -> str:
    assert response.streaming, "exports are streamed, never built in memory"
    return b"".join(response.streaming_content).decode()


def test_published_checks_export_as_csv_with_every_version(
    publish_check: Publish, chief_editor: User, client_for: Callable[[User], APIClient]
) -> None:
    review = publish_check(rating="False", claimant="Mayor Jane Doe")

    response = client_for(chief_editor).get("/api/v1/exports/checks.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="checks.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    check = PublishedCheck.objects.get(review=review)
    assert [row["id"] for row in rows] == [str(check.id)]
    assert rows[0]["claimant"] == "Mayor Jane Doe"
    assert rows[0]["rating_label"] == "False"


def test_claims_export_as_json_lines_one_object_per_line(
    accepted_claim: Claim, editor: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(editor).get("/api/v1/exports/claims.jsonl")

    assert response.status_code == 200
    lines = body(response).splitlines()
    assert len(lines) == 1
    claim = json.loads(lines[0])
    assert claim["id"] == accepted_claim.id
    assert claim["text"] == accepted_claim.text
    assert claim["status"] == "accepted"
    assert claim["article__url"] == "https://news.example/bridge"


def test_audit_events_export_both_histories(
    publish_check: Publish, chief_editor: User, client_for: Callable[[User], APIClient]
) -> None:
    review = publish_check()
    client = client_for(chief_editor)

    claim_events = body(client.get("/api/v1/exports/claim-events.jsonl")).splitlines()
    review_events = body(client.get("/api/v1/exports/review-events.jsonl")).splitlines()

    assert [json.loads(line)["action"] for line in claim_events] == ["accept"]
    steps = [json.loads(line)["to_state"] for line in review_events]
    assert steps == list(
        ReviewEvent.objects.filter(review=review).order_by("id").values_list("to_state", flat=True)
    )
    assert steps[-1] == "published"


def test_an_export_across_several_chunks_keeps_every_row(
    accepted_claim: Claim, editor: User, client_for: Callable[[User], APIClient]
) -> None:
    more = [
        Claim(
            article=accepted_claim.article, text=f"Claim number {n}", span_start=n, span_end=n + 1
        )
        for n in range(1000, 1000 + CHUNK_ROWS + 5)
    ]
    Claim.objects.bulk_create(more)

    lines = body(client_for(editor).get("/api/v1/exports/claims.csv")).splitlines()

    assert len(lines) == 1 + 1 + CHUNK_ROWS + 5  # the header, then every claim


def test_days_narrow_an_export(
    publish_check: Publish, chief_editor: User, client_for: Callable[[User], APIClient]
) -> None:
    publish_check()
    client = client_for(chief_editor)

    assert body(client.get("/api/v1/exports/checks.csv?since=2000-01-01")).count("\n") == 2
    assert body(client.get("/api/v1/exports/checks.csv?until=2000-01-01")).count("\n") == 1


def test_a_spreadsheet_formula_in_a_claim_is_exported_as_text(
    accepted_claim: Claim, editor: User, client_for: Callable[[User], APIClient]
) -> None:
    Claim.objects.filter(id=accepted_claim.id).update(claimant='=HYPERLINK("http://evil.example")')

    rows = list(
        csv.DictReader(io.StringIO(body(client_for(editor).get("/api/v1/exports/claims.csv"))))
    )

    assert rows[0]["claimant"] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/v1/exports/tips.csv", 404, "No export “tips.csv”"),
        ("/api/v1/exports/claims.xlsx", 404, "csv or jsonl"),
        ("/api/v1/exports/claims.csv?since=yesterday", 400, "Date has wrong format"),
        ("/api/v1/exports/claims.csv?since=2026-02-02&until=2026-01-01", 400, "after"),
    ],
)
def test_bad_requests_get_a_clear_answer(
    path: str, status: int, message: str, editor: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(editor).get(path)

    assert response.status_code == status
    assert message in json.dumps(response.json(), ensure_ascii=False)


def test_who_may_not_read_a_table_may_not_export_it(
    accepted_claim: Claim, outsider: User, client_for: Callable[[User | None], APIClient]
) -> None:
    assert client_for(outsider).get("/api/v1/exports/claims.csv").status_code == 403
    assert client_for(None).get("/api/v1/exports/claims.csv").status_code in (401, 403)


def test_the_admin_action_exports_the_selected_claims(accepted_claim: Claim, editor: User) -> None:
    other = Claim.objects.create(article=accepted_claim.article, text="Another claim.")
    client = Client()
    client.force_login(editor)

    response = client.post(
        "/admin/claims/claim/",
        {"action": "export_jsonl", "_selected_action": [other.id]},
    )

    assert response.status_code == 200
    assert [json.loads(line)["id"] for line in body(response).splitlines()] == [other.id]


def test_the_audit_list_exports_as_csv_from_the_admin(accepted_claim: Claim, editor: User) -> None:
    event = ClaimEvent.objects.get(claim=accepted_claim)
    client = Client()
    client.force_login(editor)

    response = client.post(
        "/admin/claims/claimevent/", {"action": "export_csv", "_selected_action": [event.id]}
    )

    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [(row["id"], row["action"], row["actor__username"]) for row in rows] == [
        (str(event.id), "accept", "editor")
    ]
