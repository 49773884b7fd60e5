from django.core.management.base import BaseCommand, CommandError

from situation.police_feed import (
    FeedError,
    FeedRefused,
    feed_enable,
    police_events_import_file,
    police_events_import_from_feed,
)


class Command(BaseCommand):
    help = (
        "Import the police's open events feed (POLICE_FEED_URL), obeying its rate rules, or a saved copy of it "
        "with --file. Only events in municipalities on the portal are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", metavar="PATH", help="Import this saved JSON file instead of calling the feed.")
        parser.add_argument(
            "--enable",
            action="store_true",
            help="Clear a recorded 404 so that the feed is called again (after checking POLICE_FEED_URL).",
        )

    def handle(self, *args, file=None, enable=False, **options):
        if enable:
            if feed_enable():
                self.stdout.write("The police events feed was disabled after a 404; it is enabled again.")
            else:
                self.stdout.write("The police events feed was not disabled.")
            if not file:
                return
        try:
            result = police_events_import_file(path=file) if file else police_events_import_from_feed()
        except FeedRefused as exc:
            raise CommandError(f"Not called: {exc}") from exc
        except (FeedError, OSError) as exc:
            raise CommandError(f"Import failed: {exc}") from exc
        self.stdout.write(
            f"Fetched: {result.fetched}\nNew: {result.new}\nAlready imported: {result.duplicates}\n"
            f"Skipped (location not a municipality on the portal): {result.skipped}\nInvalid: {result.invalid}"
        )
        if result.skipped_locations:
            places = ", ".join(f"{name} ({n})" for name, n in result.skipped_locations.most_common(10))
            self.stdout.write(f"Most skipped locations: {places}")
