from typing import Any

from django.core.management.base import BaseCommand

from newsroom.rollup import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Count the analytics' tallies again from the facts (claims, checks, review events, "
        "provider jobs, reviews' stage times), replacing the stored ones in one transaction. "
        "For rows changed behind the services' back (a bulk import, a fix in the shell)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = tallies_rebuild()
        self.stdout.write(f"{rows} tally rows counted from the facts.")
