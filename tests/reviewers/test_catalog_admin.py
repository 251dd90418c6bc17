"""The admin changes the catalogue (rating scale, tags, webhook subscriptions) through the
same services as the API, so it keeps the same rules."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Claim
from reviewers.models import Rating, Tag, WebhookSubscription
from reviewers.services import review_draft


def _admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_admin_offers_no_delete_for_a_rating_a_verdict_carries(
    site_admin: User, reviewer: User, accepted_claim: Claim
) -> None:
    rating = Rating.objects.get(label="False")
    review_draft(
        claim=accepted_claim, author=reviewer, rating=rating, headline="", justification=""
    )
    admin = _admin_client(site_admin)

    page = admin.get(f"/admin/reviewers/rating/{rating.pk}/delete/")
    admin.post(f"/admin/reviewers/rating/{rating.pk}/delete/", {"post": "yes"})

    assert page.status_code == 403
    assert Rating.objects.filter(pk=rating.pk).exists()


@pytest.mark.django_db
def test_admin_deletes_a_rating_nothing_carries(site_admin: User) -> None:
    rating = Rating.objects.create(label="Satire", value=50)

    response = _admin_client(site_admin).post(
        f"/admin/reviewers/rating/{rating.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Rating.objects.filter(pk=rating.pk).exists()


@pytest.mark.django_db
def test_admin_offers_no_bulk_delete_that_would_bypass_the_services(site_admin: User) -> None:
    page = _admin_client(site_admin).get("/admin/reviewers/rating/")

    assert b"delete_selected" not in page.content


@pytest.mark.django_db
def test_admin_makes_a_tag_slug_from_its_name(site_admin: User) -> None:
    response = _admin_client(site_admin).post(
        "/admin/reviewers/tag/add/", {"name": "  Elections ", "slug": "elections"}
    )

    assert response.status_code == 302
    assert Tag.objects.get(slug="elections").name == "Elections"


@pytest.mark.django_db
def test_admin_edits_a_webhook_subscription_under_the_address_rules(site_admin: User) -> None:
    subscription = WebhookSubscription.objects.create(
        url="https://partner.example/hook", secret="s3cret", events=["check.published"]
    )
    admin = _admin_client(site_admin)
    form = {"url": "http://10.0.0.7/hook", "secret": "s3cret", "events": ["check.published"]}
    form |= {"deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"}  # the log inline

    refused = admin.post(f"/admin/reviewers/webhooksubscription/{subscription.pk}/change/", form)
    form["url"] = "https://93.184.216.34/new-hook"  # an address literal: no DNS in tests
    accepted = admin.post(f"/admin/reviewers/webhooksubscription/{subscription.pk}/change/", form)

    assert refused.context_data is not None  # the form again, with what is wrong
    assert list(refused.context_data["adminform"].form.errors) == ["url"]
    assert accepted.status_code == 302
    subscription.refresh_from_db()
    assert subscription.url == "https://93.184.216.34/new-hook"
    assert subscription.active is False  # the box was left unticked


@pytest.mark.django_db
def test_the_webhook_secret_is_write_only_in_the_admin(site_admin: User) -> None:
    subscription = WebhookSubscription.objects.create(
        url="https://93.184.216.34/hook", secret="s3cret-never-shown", events=["check.published"]
    )
    admin = _admin_client(site_admin)
    url = f"/admin/reviewers/webhooksubscription/{subscription.pk}/change/"
    assert "s3cret-never-shown" not in admin.get(url).content.decode()

    form = {"url": subscription.url, "secret": "", "events": ["check.published"], "active": "on"}
    form |= {"deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"}
    assert admin.post(url, form).status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret == "s3cret-never-shown"  # left empty: kept
    assert admin.post(url, form | {"secret": "a-new-one"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.secret == "a-new-one"
