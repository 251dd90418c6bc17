"""Reading other fact-checkers' ClaimReview: from a page's JSON-LD, from a dump file (a
JSON document or JSON Lines), and from a Google Fact Check Tools `claims:search` answer.

Nothing here is trusted: JSON-LD is parsed with the standard library, walked to a bounded
depth, and only ClaimReview objects are kept. What they say is checked by the import
service (claims/matching/imports.py).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

# A page or dump could nest objects without end or hold millions of them; stop early.
MAX_DEPTH = 12
MAX_REVIEWS_PER_DOCUMENT = 10_000
# A reference to a node found elsewhere in the document, such as the claim in a @graph.
MAX_REFERENCE_HOPS = 4
SCRIPT_WRAPPERS = ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>")


@dataclass(frozen=True)
class Found:
    """A ClaimReview as read: `review` with references resolved, `raw` as it was written."""

    review: dict[str, Any]
    raw: dict[str, Any]


@dataclass(frozen=True)
class PageReviews:
    reviews: list[Found]
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DumpItem:
    """One ClaimReview of a dump, or what was wrong with one part of it; `where` says where."""

    where: str
    found: Found | None = None
    problem: str = ""


def reviews_in_page(body: bytes, content_type: str) -> PageReviews:
    """Return the ClaimReviews of a fetched page: its JSON-LD scripts, or the whole body
    when it is JSON itself."""
    if content_type in ("application/ld+json", "application/json"):
        try:
            document = json.loads(body)
        except (ValueError, RecursionError) as error:  # too deep to decode: not valid here
            return PageReviews([], [f"The JSON is not valid: {error}."])
        return PageReviews(claim_reviews_in(document))
    reviews: list[Found] = []
    problems = []
    for number, script in enumerate(json_ld_scripts(body), start=1):
        try:
            document = json.loads(_unwrapped(script), strict=False)
        except (ValueError, RecursionError) as error:
            problems.append(f"JSON-LD script {number} is not valid JSON: {error}.")
            continue
        reviews += claim_reviews_in(document)
    return PageReviews(reviews, problems)


def json_ld_scripts(body: bytes) -> list[str]:
    """Return the text of every <script type="application/ld+json"> of an HTML page."""
    if not body.strip():
        return []
    try:
        tree = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError):
        return []
    scripts = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind == "application/ld+json" and script.text and script.text.strip():
            scripts.append(script.text)
    return scripts


def _unwrapped(script: str) -> str:
    """Strip the comment and CDATA wrappers some sites put around their JSON-LD."""
    text = script.strip()
    for wrapper in SCRIPT_WRAPPERS:
        text = text.replace(wrapper, "")
    return text


def claim_reviews_in(document: Any) -> list[Found]:
    """Return every ClaimReview in a JSON-LD document: at the top, in a list, in @graph, in
    an ItemList or a feed, or as a Fact Check Tools claim with its `claimReview` list."""
    nodes = _nodes_by_id(document)
    found: list[Found] = []

    def walk(node: Any, depth: int) -> None:
        if depth > MAX_DEPTH or len(found) >= MAX_REVIEWS_PER_DOCUMENT:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            if _is_claim_review(node):
                found.append(Found(_resolved(node, nodes, MAX_REFERENCE_HOPS), node))
            elif _is_fact_check_tools_claim(node):
                found.extend(_from_fact_check_tools(node))
            else:
                for key, value in node.items():
                    if key != "@context":
                        walk(value, depth + 1)

    walk(document, 0)
    return found


def types_of(node: dict[str, Any]) -> set[str]:
    """Return a node's @type names without their vocabulary: schema:ClaimReview and
    https://schema.org/ClaimReview are both ClaimReview."""
    given = node.get("@type", [])
    names = given if isinstance(given, list) else [given]
    return {name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for name in names if isinstance(name, str)}


def _is_claim_review(node: dict[str, Any]) -> bool:
    """A ClaimReview by its type, or an untyped object with a claimReviewed (dumps drop @type)."""
    if "@type" not in node:
        return "claimReviewed" in node
    return "ClaimReview" in types_of(node)


def _nodes_by_id(document: Any) -> dict[str, dict[str, Any]]:
    """Return the document's nodes that have an @id and say more than their id."""
    nodes: dict[str, dict[str, Any]] = {}

    def walk(node: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                nodes.setdefault(node_id, node)
            for value in node.values():
                walk(value, depth + 1)

    walk(document, 0)
    return nodes


def _resolved(value: Any, nodes: dict[str, dict[str, Any]], hops: int) -> Any:
    """Return the value with references ({"@id": …} alone) replaced by the nodes they name."""
    if isinstance(value, list):
        return [_resolved(item, nodes, hops) for item in value]
    if not isinstance(value, dict):
        return value
    if hops > 0 and set(value) <= {"@id", "@type"} and value.get("@id") in nodes:
        return _resolved(nodes[value["@id"]], nodes, hops - 1)
    return {key: _resolved(item, nodes, hops) for key, item in value.items()}


def _is_fact_check_tools_claim(node: dict[str, Any]) -> bool:
    return isinstance(node.get("claimReview"), list) and "text" in node


def _from_fact_check_tools(claim: dict[str, Any]) -> Iterator[Found]:
    """Turn a `claims:search` claim, with its reviews, into one ClaimReview per review."""
    for review in claim["claimReview"]:
        if not isinstance(review, dict):
            continue
        publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
        assert isinstance(publisher, dict)
        site = publisher.get("site")
        document = {
            "@type": "ClaimReview",
            "url": review.get("url"),
            "name": review.get("title"),
            "claimReviewed": claim.get("text"),
            "datePublished": review.get("reviewDate"),
            "inLanguage": review.get("languageCode"),
            "author": {
                "@type": "Organization",
                "name": publisher.get("name"),
                "url": f"https://{site}" if isinstance(site, str) and site else None,
            },
            "reviewRating": {"@type": "Rating", "alternateName": review.get("textualRating")},
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Person", "name": claim.get("claimant")},
                "datePublished": claim.get("claimDate"),
            },
        }
        raw = {key: value for key, value in claim.items() if key != "claimReview"}
        yield Found(document, {**raw, "claimReview": [review]})


def reviews_in_dump(text: str) -> Iterator[DumpItem]:
    """Return the ClaimReviews of a dump, or what is wrong with each part that has none.

    A dump is one JSON document (an array, an object holding a list, a Fact Check Tools
    answer) or JSON Lines, one ClaimReview (or claim, or document) per line. Each bad line
    is reported by its number and the others are read.
    """
    start = text.lstrip()[:1]
    if start == "[" or start == "{":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            if start == "[":  # an array cannot be JSON Lines
                yield DumpItem(f"line {error.lineno}", problem=f"not valid JSON ({error.msg})")
                return
        else:
            yield from _document_items(document)
            return
    yield from _lines(text)


def _document_items(document: Any) -> Iterator[DumpItem]:
    found = claim_reviews_in(document)
    if not found:
        yield DumpItem("file", problem="no ClaimReview found in it")
    for number, review in enumerate(found, start=1):
        yield DumpItem(f"review {number}", review)


def _lines(text: str) -> Iterator[DumpItem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            yield DumpItem(where, problem=f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        found = claim_reviews_in(document)
        if not found:
            yield DumpItem(where, problem="no ClaimReview in it")
        for review in found:
            yield DumpItem(where, review)
