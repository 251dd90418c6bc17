"""Language tags in one form: BCP 47's canonical spelling, and the primary subtag to filter by.

Pages, feeds, imported ClaimReviews and language detection name languages every which way
(`de`, `de-de`, `de_DE`, `EN-us`, ` pt-BR `, `en_US.UTF-8`, the retired `iw`). Every tag
is stored as `normalise_language` spells it (lower-case language, title-case script,
upper-case region: `de-DE`, `zh-Hant-TW`), and every language filter reads the primary
subtag (`de`), so `?language=de` finds `de`, `de-DE` and `de-AT` alike. langcodes does
the spelling and replaces deprecated codes (`iw` → `he`, `eng` → `en`).
"""

import re

import langcodes
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower, StrIndex, Substr
from django.db.models.lookups import GreaterThan
from langcodes.tag_parser import LanguageTagError

# The stored fields' length. Extensions (-u-ca-gregory) and private use (-x-…) say how to
# sort or write dates, not which language: they are left out, and so are trailing
# variants of a tag that would still not fit.
MAX_TAG_LENGTH = 16
UNDETERMINED = "und"


def normalise_language(tag: str) -> str:
    """Return `tag` in BCP 47's canonical form, or "" if it names no language."""
    tag = re.split(r"[.@]", tag.strip())[0]  # a POSIX locale's encoding: en_US.UTF-8
    if not tag:
        return ""
    try:
        canonical = langcodes.standardize_tag(tag.replace("_", "-"))
    except LanguageTagError:
        return ""
    subtags = _without_extensions(canonical.split("-"))
    if not re.fullmatch(r"[a-z]{2,3}", subtags[0]) or subtags[0] == UNDETERMINED:
        return ""
    while len("-".join(subtags)) > MAX_TAG_LENGTH:
        subtags.pop()
    return "-".join(subtags)


def primary_subtag(tag: str) -> str:
    """Return the language of a tag without its script, region or variant: "de" for "de-AT"."""
    return normalise_language(tag).split("-")[0]


def language_condition(tag: str, field: str = "language") -> Q:
    """Return the filter for "in this language": a bare language ("de") matches every tag
    of it (de, de-DE, de-AT) through the indexed primary subtag; a fuller tag ("de-AT")
    matches that tag only. Raise ValueError if `tag` names no language."""
    canonical = normalise_language(tag)
    if not canonical:
        raise ValueError(f"{tag.strip()[:40]!r} is not a language tag (for example de or de-AT).")
    if "-" not in canonical:
        return Q(**{f"{field}_primary": canonical})
    return Q(**{f"{field}__iexact": canonical})


def _without_extensions(subtags: list[str]) -> list[str]:
    """Cut a tag at its first singleton (-u-, -t-, -x-): extensions and private use."""
    for index, subtag in enumerate(subtags[1:], start=1):
        if len(subtag) == 1:
            return subtags[:index]
    return subtags


def primary_subtag_field() -> models.GeneratedField:
    """The `language_primary` column of a model with a `language` tag: the part before the
    first hyphen, lower-cased, computed by the database on every write, so no way of
    storing a tag can leave it out, and indexed, as every language filter reads it."""
    hyphen = StrIndex(F("language"), Value("-"))
    before_hyphen = Substr(F("language"), 1, hyphen - 1)
    return models.GeneratedField(
        expression=Lower(
            Case(When(GreaterThan(hyphen, 0), then=before_hyphen), default=F("language"))
        ),
        output_field=models.CharField(max_length=MAX_TAG_LENGTH),
        db_persist=True,
        db_index=True,
        verbose_name="language",
        help_text="The primary subtag of the language (de for de-AT): what filters read.",
    )
