"""The README stays short and opens with its two commands; the docs name files that exist and
link to pages and headings that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MARKDOWN = [README, *sorted((ROOT / "docs").glob("*.md"))]

REPO_PREFIXES = (
    "claims/", "reviewers/", "factcheck/", "tests/", "bench/", "training/", "docs/", ".ci/",
)  # fmt: skip

FENCED = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def fenced_blocks(text: str) -> list[str]:
    return FENCED.findall(text)


def prose(text: str) -> str:
    """The text outside fenced blocks (a fence's backticks are not inline code)."""
    return FENCED.sub("", text)


def names_a_repo_path(text: str) -> bool:
    return text.startswith(REPO_PREFIXES) and " " not in text


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail into docs/"


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.startswith("# factcheck\n")
    blocks = fenced_blocks(text)
    assert [block.strip() for block in blocks[:2]] == ["make demo", "make test"]
    before_first_block = text[: text.index("```")]
    assert before_first_block.strip() == "# factcheck"


def architecture_paths() -> set[str]:
    """Every repository path the architecture page names: in backticks in its prose, and as
    the first word of each line of its layout tree(s)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = {code for code in INLINE_CODE.findall(prose(text)) if names_a_repo_path(code)}
    for block in fenced_blocks(text):
        for line in block.splitlines():
            words = line.split()
            if words and names_a_repo_path(words[0]):
                named.add(words[0])
    return named


def test_architecture_page_names_the_whole_layout() -> None:
    named = architecture_paths()
    assert len(named) > 80, "the layout list should name every module by its full path"
    assert "claims/models.py" in named
    assert "reviewers/publishing/api.py" in named


def test_every_path_in_the_architecture_page_exists() -> None:
    missing = sorted(path for path in architecture_paths() if not (ROOT / path).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def relative_links(page: Path) -> list[str]:
    text = INLINE_CODE.sub("", prose(page.read_text(encoding="utf-8")))
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("/")
    ]


def test_every_relative_link_points_to_a_file() -> None:
    broken = [
        f"{page.relative_to(ROOT)}: {target}"
        for page in MARKDOWN
        for target in relative_links(page)
        if target.split("#")[0] and not (page.parent / target.split("#")[0]).exists()
    ]
    assert not broken, f"links to files that do not exist: {broken}"


def anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_to_a_heading_finds_it() -> None:
    broken = []
    for page in MARKDOWN:
        for target in relative_links(page):
            path, _, fragment = target.partition("#")
            linked = (page.parent / path) if path else page
            if not fragment or linked.suffix != ".md" or not linked.exists():
                continue
            headings = HEADING.findall(prose(linked.read_text(encoding="utf-8")))
            if fragment not in {anchor(heading) for heading in headings}:
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, f"links to headings that do not exist: {broken}"
