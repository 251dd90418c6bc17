"""Run every benchmark in bench/ and print one table of their ratios (`make bench`).

Each benchmark prints, besides its own report, one line per headline ratio:
`RATIO<TAB><bench>: <measure><TAB><value><TAB><target>` (target `>= 0.5`, `<= 100`,
`= 0`, or `-` for none). This runs the scripts one after the other, shows their output as
it comes, and ends with the table of those lines, each target marked pass or FAIL.

    .venv/bin/python bench/run.py [--quick] [NAME ...]

`--quick` runs the scripts that take a size at a small one (QUICK below): a check that
every benchmark still runs, not figures to quote. NAME limits the run to those scripts
(`review_queue`, `api.py`). With BENCH_DATABASE_URL set, the scripts that use a database
use that PostgreSQL database, dropped and created again before each script (so its name
must contain "bench"); scale.py runs only then. recovery.py needs root and a scratch
PostgreSQL cluster of its own; it runs only when named.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
HELPERS = {"throwaway.py", "run.py"}  # modules the benchmarks use, not benchmarks
FULL = {"recovery.py": [str(BENCH.parent), "backlog"]}
QUICK = {
    "analytics.py": ["--claims", "4000", "--requests", "2"],
    "api.py": ["--checks", "5000", "--requests", "100"],
    "checked_before.py": ["--limit", "50"],
    "gathering.py": ["--articles", "2000", "--rounds", "2"],
    "index_snapshot.py": ["--entries", "25000"],
    "ingest.py": ["--pages", "40"],
    "public_index.py": ["--checks", "5000", "--requests", "50"],
    "review_queue.py": ["--claims", "3000", "--requests", "50"],
    "scale.py": ["--rows", "20000", "--requests", "20", "--load-requests", "300"],
    "tips.py": ["--groups", "200", "--tips", "3"],
}
ONLY_WHEN_NAMED = {"recovery.py"}
NEEDS_POSTGRESQL = {"scale.py"}
RATIO = re.compile(r"^RATIO\t(?P<name>[^\t]+)\t(?P<value>[^\t]+)\t(?P<target>[^\t]*)$")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: does each still run?")
    parser.add_argument("names", nargs="*", help="only these scripts")
    args = parser.parse_args()
    wanted = {name if name.endswith(".py") else f"{name}.py" for name in args.names}
    rows: list[tuple[str, str, str, str]] = []
    for script in sorted(BENCH.glob("*.py")):
        name = script.name
        skip = _skip_reason(name, wanted)
        if skip:
            print(f"\n=== {name}: skipped ({skip})", flush=True)
            continue
        extra = QUICK.get(name, []) if args.quick else FULL.get(name, [])
        rows.extend(_run(script, extra))
    _print_table(rows)


def _skip_reason(name: str, wanted: set[str]) -> str:
    if name in HELPERS:
        return "a helper module"
    if wanted and name not in wanted:
        return "not named"
    if name in ONLY_WHEN_NAMED and name not in wanted:
        return "runs only when named: needs root and a PostgreSQL cluster of its own"
    if name in NEEDS_POSTGRESQL and not os.environ.get("BENCH_DATABASE_URL"):
        return "needs BENCH_DATABASE_URL, an empty PostgreSQL database"
    return ""


def _run(script: Path, extra: list[str]) -> list[tuple[str, str, str, str]]:
    print(f"\n=== {script.name} {' '.join(extra)}", flush=True)
    _fresh_database()
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(script), *extra],
        cwd=BENCH.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    found = []
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        match = RATIO.match(line.rstrip("\n"))
        if match:
            found.append((match["name"], match["value"], match["target"].strip() or "-"))
    code = process.wait()
    print(f"=== {script.name}: {time.perf_counter() - began:.0f} s, exit {code}", flush=True)
    rows = [(name, value, target, _verdict(value, target)) for name, value, target in found]
    if code != 0:
        rows.append((f"{script.stem}: the script", f"exit {code}", "exit 0", "FAIL"))
    elif not found:
        rows.append((f"{script.stem}: no RATIO line printed", "-", "-", "-"))
    return rows


def _verdict(value: str, target: str) -> str:
    match = re.fullmatch(r"(>=|<=|=|>|<)\s*(-?[\d.]+)", target)
    if not match:
        return "-"
    try:
        got, goal = float(value), float(match[2])
    except ValueError:
        return "-"
    passed = {
        ">=": got >= goal,
        "<=": got <= goal,
        ">": got > goal,
        "<": got < goal,
        "=": got == goal,
    }[match[1]]
    return "pass" if passed else "FAIL"


def _fresh_database() -> None:
    """Drop and create BENCH_DATABASE_URL's database: each script wants an empty one."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"BENCH_DATABASE_URL names {name!r}: a benchmark's database has bench in its name."
        )
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _print_table(rows: list[tuple[str, str, str, str]]) -> None:
    width = max([len(row[0]) for row in rows] + [7])
    print(f"\n{'measure':{width}}  {'value':>10}  {'target':>8}  result")
    for name, value, target, verdict in rows:
        print(f"{name:{width}}  {value:>10}  {target:>8}  {verdict}")
    failed = sum(verdict == "FAIL" for *_, verdict in rows)
    print(f"\n{len(rows)} lines, {failed} below target")


if __name__ == "__main__":
    main()
