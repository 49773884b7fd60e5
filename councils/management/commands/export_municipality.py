from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.municipality_export import municipality_export_to
from councils.models import Municipality


class Command(BaseCommand):
    help = (
        "Writes everything a municipality owns to one zip archive: JSON and CSV per kind of data, its stored files, "
        "a manifest and a README (the same archive as the coordinator's export page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the municipality's address name, e.g. vaggeryd")
        parser.add_argument("output", type=Path, help="the archive to write, e.g. vaggeryd.zip")

    def handle(self, *args, slug, output, **options):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"No municipality has the address name '{slug}'.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder '{output.parent}' does not exist.")
        manifest = municipality_export_to(municipality, output)
        rows = sum(kind["rows"] for kind in manifest["kinds"].values())
        self.stdout.write(f"{output}: {rows} rows in {len(manifest['kinds'])} kinds, {manifest['media_files']} files.")
