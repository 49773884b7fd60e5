"""scripts/backup.sh and scripts/restore.sh on the throwaway PostgreSQL: a backup of a database with data of every
app and stored files, restored into a new empty database and media folder, holds the same rows (every table of
every installed model, compared by count and a hash of all rows in id order), schema objects, sequences and files
byte for byte; a restore refuses a database that is not empty, and a damaged backup fails loudly."""

import filecmp
import hashlib
import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from core.testservers import pg_bindir
from tests.councils.test_permissions import matrix_tenant  # noqa: F401  (the fixture: data of every app)

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

pytestmark = pytest.mark.django_db(transaction=True)


def _url(database: str) -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{database}"


def _run(script: str, argument, *, database: str, media_root, **extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media_root), "PG_BINDIR": str(pg_bindir())}
    env.update(extra)
    return subprocess.run(
        ["bash", str(SCRIPTS / script), str(argument)], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def empty_database():
    """A new, empty database on the test cluster; dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def source(matrix_tenant, settings):  # noqa: F811
    """The test database, committed (transactional test), with data of every app, a walk photo and a rendered PDF."""
    from situation.walks import walk_report_render

    media = Path(settings.MEDIA_ROOT)
    matrix_tenant.report_pdf = walk_report_render(walk_id=matrix_tenant.walk.pk)
    assert (media / matrix_tenant.report_pdf).read_bytes().startswith(b"%PDF")
    assert (media / matrix_tenant.observation.photo.name).is_file()
    return media


@pytest.fixture
def elsewhere(tmp_path_factory):
    """A folder outside the source's MEDIA_ROOT (which is the matrix fixture's tmp_path)."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture
def backup(source, tmp_path_factory):
    target = tmp_path_factory.mktemp("backups")
    result = _run("backup.sh", target, database=connection.settings_dict["NAME"], media_root=source)
    assert result.returncode == 0, result.stderr
    [folder] = target.iterdir()
    assert result.stdout.strip() == f"Backup complete: {folder}"
    return folder


def _fingerprints(cursor) -> dict:
    """Per table of every installed model (and many-to-many table): the row count and an md5 of all rows by id;
    plus the schema's indexes, constraints and triggers, and the value of every sequence."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        table, pk = model._meta.db_table, model._meta.pk.column
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.\"{pk}\"), '')) FROM \"{table}\" t"
        )
        tables[table] = cursor.fetchone()
    schema = {}
    for name, sql in {
        "indexes": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
        "constraints": "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
        "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "sequences": "SELECT sequencename || '=' || coalesce(last_value, 0) FROM pg_sequences",
    }.items():
        cursor.execute(sql)
        schema[name] = sorted(row[0] for row in cursor.fetchall())
    return {"tables": tables, "schema": schema}


def _restored_fingerprints(database: str) -> dict:
    with psycopg.connect(_url(database)) as restored, restored.cursor() as cursor:
        return _fingerprints(cursor)


def _files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_restore_into_an_empty_database_finds_the_same_data_and_files(backup, source, empty_database, elsewhere):
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS", "database.dump", "manifest.txt", "media.sha256", "media.tar.gz", "migrations.tsv",
    ]  # fmt: skip
    assert "councils\t0001_initial" in (backup / "migrations.tsv").read_text()
    assert f"media_files: {len(_files(source))}" in (backup / "manifest.txt").read_text()
    restored_media = elsewhere / "media"

    result = _run("restore.sh", backup, database=empty_database, media_root=restored_media)

    assert result.returncode == 0, result.stderr
    with connection.cursor() as cursor:
        original = _fingerprints(cursor)
    assert sum(count for count, _hash in original["tables"].values()) > 100, "the source should hold real data"
    restored = _restored_fingerprints(empty_database)
    differing = [table for table in original["tables"] if original["tables"][table] != restored["tables"][table]]
    assert not differing, f"tables that differ after the restore: {differing}"
    assert restored["schema"] == original["schema"]
    assert _files(restored_media) == _files(source)
    _same, different, missing = filecmp.cmpfiles(source, restored_media, _files(source), shallow=False)
    assert different == missing == [], f"media files that differ: {different}, missing: {missing}"


def test_restore_refuses_a_database_that_is_not_empty(backup, elsewhere):
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        before = _fingerprints(cursor)

    result = _run("restore.sh", backup, database=database, media_root=elsewhere / "media")

    assert result.returncode != 0
    assert "is not empty" in result.stderr and "createdb" in result.stderr
    with connection.cursor() as cursor:
        assert _fingerprints(cursor) == before
    assert not (elsewhere / "media").exists()


def _rewrite_sums(folder: Path) -> None:
    lines = [f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}" for name in _summed(folder)]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def _summed(folder: Path) -> list[str]:
    return [line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()]


def test_a_damaged_backup_fails_and_leaves_the_database_empty(backup, empty_database, elsewhere):
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    flipped = _run("restore.sh", backup, database=empty_database, media_root=elsewhere / "m1")

    assert flipped.returncode != 0
    assert "damaged" in flipped.stderr and "database.dump" in flipped.stderr

    # A dump cut short whose sums were made to match: pg_restore itself fails, in one transaction.
    dump.write_bytes(bytes(data[: len(data) * 2 // 3]))
    _rewrite_sums(backup)
    truncated = _run("restore.sh", backup, database=empty_database, media_root=elsewhere / "m2")

    assert truncated.returncode != 0
    assert "pg_restore failed" in truncated.stderr
    with psycopg.connect(_url(empty_database)) as restored:
        tables = restored.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    assert tables == 0, "a failed restore must leave the database empty"


def test_backup_refuses_what_it_cannot_back_up_and_keeps_nothing_half_written(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    sqlite = _run("backup.sh", tmp_path / "b1", database="x", media_root=media, DATABASE_URL="sqlite:///db.sqlite3")
    assert sqlite.returncode != 0 and "PostgreSQL URL" in sqlite.stderr

    missing = _run("backup.sh", tmp_path / "b2", database="no_such_database", media_root=media)
    assert missing.returncode != 0 and "the backup failed" in missing.stderr
    assert list((tmp_path / "b2").iterdir()) == []


def test_backup_deletes_backups_older_than_the_retention(tmp_path):
    media, target = tmp_path / "media", tmp_path / "backups"
    media.mkdir()
    old, unrelated = target / "20200101T000000Z", target / "keep-me"
    old.mkdir(parents=True)
    unrelated.mkdir()
    os.utime(old, (0, 0))
    os.utime(unrelated, (0, 0))

    result = _run(
        "backup.sh", target, database=connection.settings_dict["NAME"], media_root=media, BACKUP_KEEP_DAYS="30"
    )

    assert result.returncode == 0, result.stderr
    assert f"Deleted old backup: {old}" in result.stdout
    kept = sorted(path.name for path in target.iterdir())
    assert len(kept) == 2 and "keep-me" in kept and old.name not in kept
