"""The production deployment: docker-compose.yml, the Dockerfile, .env.example and Django's deploy checks."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
OPERATIONS_GUIDE = ROOT / "docs" / "operations.md"
SETTINGS_FILE = ROOT / "bra_portal" / "settings.py"

# The values docker-compose.yml requires, as an operator would put them in .env.
REQUIRED_COMPOSE_VARIABLES = {
    "SECRET_KEY": "compose-test-" + "k" * 50,
    "ALLOWED_HOSTS": "bra.example.se",
    "POSTGRES_PASSWORD": "compose0test0password",
}

# The production security values: documented in docs/operations.md and set by docker-compose.yml.
PRODUCTION_SECURITY = {
    "DEBUG": "false",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
}

# env.str("NAME", ...), env.bool(\n    "NAME", ...), env.db("NAME", ...) and so on, but not Env.read_env(...).
SETTINGS_VARIABLE = re.compile(r"\benv(?:\.\w+)?\(\s*[\"'](?P<name>[A-Z][A-Z0-9_]*)[\"']")
# NAME=value or a commented-out "# NAME=value" at the start of a line.
ENV_EXAMPLE_VARIABLE = re.compile(r"^#?[ \t]*(?P<name>[A-Z][A-Z0-9_]*)=", re.MULTILINE)
# ${NAME}, ${NAME:-default}, ${NAME:?message}; "$${NAME}" is an escaped dollar for the container's shell.
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{(?P<name>\w+)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def _interpolate(value, variables: dict[str, str]) -> str:
    """Fill in ${...} references the way docker-compose does, for the forms docker-compose.yml uses."""

    def replace(match):
        if variables.get(match["name"]):
            return variables[match["name"]]
        if match["op"] == "?":
            raise KeyError(f"{match['name']} is required: {match['arg']}")
        return match["arg"] or ""

    return COMPOSE_VARIABLE.sub(replace, str(value))


def _service_environment(service: str) -> dict[str, str]:
    environment = _compose()["services"][service]["environment"]
    return {name: _interpolate(value, REQUIRED_COMPOSE_VARIABLES) for name, value in environment.items()}


def _command(service: str) -> list[str]:
    command = _compose()["services"][service]["command"]
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _settings_variables() -> set[str]:
    return {match["name"] for match in SETTINGS_VARIABLE.finditer(SETTINGS_FILE.read_text(encoding="utf-8"))}


def _env_example_variables() -> set[str]:
    return {match["name"] for match in ENV_EXAMPLE_VARIABLE.finditer(ENV_EXAMPLE.read_text(encoding="utf-8"))}


def _manage(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: the test run's own variables (its database, broker, static storage) stay out.
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage_check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return _manage(["check", "--deploy", "--fail-level", "WARNING"], environment)


def _production_environment(tmp_path) -> dict[str, str]:
    return {
        **PRODUCTION_SECURITY,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "bra.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


# ---- docker-compose.yml ----


def test_compose_file_defines_web_worker_beat_db_and_redis():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)


def test_web_service_runs_gunicorn_with_the_project_wsgi_module():
    command = _command("web")
    assert command[0] == "gunicorn"
    assert "bra_portal.wsgi" in command


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_worker_and_beat_run_celery_for_the_project(service):
    command = _command(service)
    assert command[0] == "celery"
    assert " ".join(command).startswith("celery -A bra_portal ")
    assert service in command


def test_beat_keeps_its_schedule_file_in_a_volume():
    beat = _compose()["services"]["beat"]
    schedule = next(part for part in _command("beat") if part.startswith("--schedule="))
    schedule_dir = str(Path(schedule.removeprefix("--schedule=")).parent)
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in beat["volumes"]}
    assert schedule_dir in mounts
    assert mounts[schedule_dir] in _compose()["volumes"]


def test_app_services_start_only_after_migrations_have_run():
    services = _compose()["services"]
    assert _command("migrate")[:3] == ["python", "manage.py", "migrate"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_db_and_redis_use_their_images_with_healthchecks_and_volumes():
    services = _compose()["services"]
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"]
        assert services[name]["volumes"]


def test_web_and_worker_keep_media_in_a_volume():
    services = _compose()["services"]
    for name in ("web", "worker"):
        media_root = _service_environment(name)["MEDIA_ROOT"]
        assert f"media:{media_root}" in services[name]["volumes"]


@pytest.mark.parametrize("variable", sorted(REQUIRED_COMPOSE_VARIABLES))
def test_compose_refuses_to_fill_in_a_missing_secret(variable):
    assert re.search(rf"\$\{{{variable}:\?", COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_app_services_use_the_db_and_redis_services(service):
    environment = _service_environment(service)
    password = REQUIRED_COMPOSE_VARIABLES["POSTGRES_PASSWORD"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].endswith(f":{password}@db:5432/bra_portal")
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")


@pytest.mark.parametrize("service", ["web", "worker", "beat", "migrate"])
def test_app_services_get_the_production_security_values(service):
    environment = _service_environment(service)
    assert {name: environment.get(name) for name in PRODUCTION_SECURITY} == PRODUCTION_SECURITY


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not on PATH")
def test_docker_compose_accepts_the_file_when_the_secrets_are_set():
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, **REQUIRED_COMPOSE_VARIABLES},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not on PATH")
def test_docker_compose_refuses_the_file_without_a_secret_key(tmp_path):
    # A copy in an empty folder, so that no .env beside the real file supplies the key.
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yml")
    environment = {**os.environ, **REQUIRED_COMPOSE_VARIABLES}
    del environment["SECRET_KEY"]
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# ---- Django's deployment checks ----


def test_check_deploy_reports_no_issues_with_the_production_variables(tmp_path):
    environment = _production_environment(tmp_path)
    assert len(environment["SECRET_KEY"]) >= 50
    result = _manage_check_deploy(environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_the_production_security_variables(tmp_path):
    environment = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "bra.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = _manage_check_deploy(environment)
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # SECURE_HSTS_SECONDS is not set


# The login page as the reverse proxy forwards it over HTTPS: its headers and the attributes of its cookies.
LOGIN_PAGE_OVER_HTTPS = """
import json
from django.test import Client
response = Client().get("/konto/logga-in/", HTTP_HOST="bra.example.se", HTTP_X_FORWARDED_PROTO="https")
cookies = {name: {flag: bool(cookie[flag]) for flag in ("secure", "httponly")} | {"samesite": cookie["samesite"]}
           for name, cookie in response.cookies.items()}
print(json.dumps({"status": response.status_code, "headers": dict(response.headers), "cookies": cookies}))
"""


def _production_shell(tmp_path, script: str) -> str:
    """What `script` prints, run by `manage.py shell` with the production variables."""
    # Hashed static file names would need collectstatic first; what is tested here does not depend on them.
    environment = {
        **_production_environment(tmp_path),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    result = _manage(["shell", "--no-imports", "-c", script], environment)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_answers_with_hsts_and_secure_cookies(tmp_path):
    output = _production_shell(tmp_path, LOGIN_PAGE_OVER_HTTPS)
    page = json.loads(output.strip().splitlines()[-1])
    assert page["status"] == 200
    assert page["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in page["headers"]["Content-Security-Policy"]
    assert page["cookies"]["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_plain_http_is_redirected_to_https_in_production(tmp_path):
    script = (
        "from django.test import Client; "
        "response = Client().get('/', HTTP_HOST='bra.example.se', HTTP_X_FORWARDED_PROTO='http'); "
        "print(response.status_code, response['Location'])"
    )
    assert _production_shell(tmp_path, script).split() == ["301", "https://bra.example.se/"]


# ---- .env.example and docs/operations.md ----


def test_the_settings_variable_pattern_finds_the_known_variables():
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "BEHIND_TLS_PROXY", "STATICFILES_STORAGE"} <= (_settings_variables())


def test_every_variable_settings_reads_is_listed_in_env_example():
    missing = _settings_variables() - _env_example_variables()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_every_variable_docker_compose_reads_is_listed_in_env_example():
    compose_variables = {match["name"] for match in COMPOSE_VARIABLE.finditer(COMPOSE_FILE.read_text(encoding="utf-8"))}
    missing = compose_variables - _env_example_variables()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_operations_guide_documents_every_production_variable():
    guide = OPERATIONS_GUIDE.read_text(encoding="utf-8")
    for name, value in {**PRODUCTION_SECURITY, "SECRET_KEY": None, "ALLOWED_HOSTS": None}.items():
        row = next((line for line in guide.splitlines() if line.startswith(f"| `{name}`")), None)
        assert row is not None, f"{name} has no row in the production variables table"
        if value is not None:
            assert f"`{value}`" in row


# ---- Dockerfile and .dockerignore ----


def test_dockerfile_builds_on_python_311_slim_and_exposes_port_8000():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)


@pytest.mark.parametrize(
    "package", ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core", "gettext"]
)
def test_dockerfile_installs_the_libraries_weasyprint_and_compilemessages_need(package):
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(rf"\s{re.escape(package)}\s", dockerfile)


def test_dockerfile_collects_static_files_and_compiles_translations_at_build_time():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert "manage.py collectstatic --noinput" in dockerfile
    assert "manage.py compilemessages" in dockerfile
    assert re.search(r"^RUN pip install \.", dockerfile, re.MULTILINE)


def test_dockerfile_does_not_run_as_root():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert users, "the Dockerfile has no USER line"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_dockerignore_keeps_local_state_out_of_the_image():
    entries = set(ROOT.joinpath(".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "var", ".git", "staticfiles", "media", "**/__pycache__", ".env"} <= entries
