"""Search engines find every published check through sitemap.xml, which robots.txt names;
each page's last modification is its current version's."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from reviewers.models import Review
from reviewers.publishing import sitemap
from reviewers.services import review_correct

Publish = Callable[..., Review]
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def urls(client: Client, path: str = "/sitemap.xml") -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own answer)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("s:loc", namespaces=NS) or "": url.findtext("s:lastmod", namespaces=NS) or ""
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_every_published_check_with_its_current_version_date(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    first, second = publish_check(), publish_check()
    review_correct(review=first, corrector=chief_editor, note="Added a source.")
    found = urls(client)
    current = {r.id: r.versions.get(is_current=True).modified_at for r in (first, second)}
    assert found == {
        f"http://127.0.0.1:8000/checks/{review_id}/": modified.isoformat()
        for review_id, modified in current.items()
    }


def test_empty_sitemap_is_still_valid(db: None, client: Client) -> None:
    assert urls(client) == {}


def test_past_the_protocols_limit_the_sitemap_becomes_an_index(
    publish_check: Publish, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 2)
    made = [publish_check() for _ in range(3)]
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own answer)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    assert parts == ["http://127.0.0.1:8000/sitemap-1.xml", "http://127.0.0.1:8000/sitemap-2.xml"]
    listed = {**urls(client, "/sitemap-1.xml"), **urls(client, "/sitemap-2.xml")}
    assert set(listed) == {f"http://127.0.0.1:8000/checks/{review.id}/" for review in made}
    assert client.get("/sitemap-3.xml").status_code == 404


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_the_admin(
    db: None, client: Client
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
