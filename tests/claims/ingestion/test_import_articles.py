"""Bulk import reads URLs or JSON Lines, reports bad lines by number and imports the rest."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Article


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_file_of_urls(tmp_path: Path, db: None) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "# morning list\nhttps://news.example/a\n\nhttps://news.example/b\n"
        "not a url\nhttps://news.example/a\n"
    )
    out, err = run(urls)
    assert out.strip() == (
        "Imported 2 new article(s); 1 already stored; 1 invalid line(s) skipped."
    )
    assert "line 5: Only http and https URLs can be fetched" in err
    assert "[##############################] 6/6" in err
    assert Article.objects.filter(status="queued").count() == 2


def test_imports_json_lines_as_the_submitting_user(tmp_path: Path, editor: User) -> None:
    lines = tmp_path / "articles.jsonl"
    lines.write_text(
        '{"text": "The bridge cost 212 million dollars.", "title": "Bridge", '
        '"publisher": "Courier", "published_at": "2026-10-12"}\n'
        '{"url": "https://news.example/c"}\n'
        "{not json\n"
        '{"url": "https://news.example/d", "colour": "blue"}\n'
        '{"text": "Another story.", "published_at": "someday"}\n'
        "[1, 2]\n"
    )
    out, err = run(lines, "--user", "editor")
    assert "Imported 2 new article(s); 0 already stored; 4 invalid line(s) skipped." in out
    assert "line 3: not valid JSON" in err
    assert "line 4: unknown field(s) colour" in err
    assert "line 5: published_at 'someday' is not an ISO date" in err
    assert "line 6: each line must be a JSON object" in err
    pasted = Article.objects.get(title="Bridge")
    assert (pasted.publisher, pasted.submitted_by) == ("Courier", editor)
    assert pasted.published_at is not None and pasted.published_at.day == 12


def test_refuses_a_missing_file_or_user(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="is not a file"):
        run(tmp_path / "missing.txt")
    (tmp_path / "urls.txt").write_text("https://news.example/a\n")
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run(tmp_path / "urls.txt", "--user", "nobody")
    assert not Article.objects.exists()
