"""Claims reads what reviewers concluded in one place (claims/verdicts.py), by lookup names:
a field renamed in reviewers must fail here, and no other module of claims may name them."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model

from claims.models import Claim
from claims.verdicts import LOOKUPS

CLAIMS = Path(__file__).resolve().parents[2] / "claims"
REVIEWERS_LOOKUP = re.compile(r"\breview__\w+")


def resolve(model: type[Model], lookup: str) -> None:
    """Follow a lookup path through the models' fields; raise FieldDoesNotExist if it breaks."""
    *relations, last = lookup.split("__")
    for name in relations:
        related = model._meta.get_field(name).related_model
        assert isinstance(related, type), f"{name} is not a relation"
        model = related
    model._meta.get_field(last)


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_every_lookup_into_the_reviewers_tables_resolves(lookup):
    resolve(Claim, lookup)


def test_a_renamed_field_is_caught():
    with pytest.raises(FieldDoesNotExist):
        resolve(Claim, "review__versions__verdict_label")


def test_every_lookup_the_module_uses_is_listed():
    source = (CLAIMS / "verdicts.py").read_text()
    used = set(REVIEWERS_LOOKUP.findall(source.split("LOOKUPS = [", 1)[1].split("]", 1)[1]))
    assert used - {"review__isnull"} <= set(LOOKUPS)


def test_no_other_module_of_claims_names_the_reviewers_fields():
    naming = [
        str(path.relative_to(CLAIMS))
        for path in CLAIMS.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "verdicts.py"
        and REVIEWERS_LOOKUP.search(path.read_text())
    ]
    assert naming == []
