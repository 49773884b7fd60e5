# BRÅ-portalen: one image for the web, worker, beat and migrate services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders PDFs with Pango and HarfBuzz and needs a font; gettext's msgfmt compiles the
# translations below.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The dependencies first, from pyproject.toml alone, so that a code change does not reinstall them.
# pyproject.toml declares no packages (`packages = []`): this installs the dependencies only, and the
# code runs from /app.
WORKDIR /tmp/build
COPY pyproject.toml ./
RUN pip install . && rm -rf /tmp/build

WORKDIR /app
COPY . /app

# Static files are collected into /app/staticfiles and served by whitenoise; the key is a placeholder that
# only lets the settings load during the build.
RUN SECRET_KEY=build-time-placeholder-not-used-at-run-time DEBUG=false \
        python manage.py compilemessages -v0 \
    && SECRET_KEY=build-time-placeholder-not-used-at-run-time DEBUG=false \
        python manage.py collectstatic --noinput -v0

# The code stays owned by root and read-only for the process; media and the beat schedule are its only
# writable places (both are volumes in docker-compose.yml).
RUN useradd --create-home --uid 10001 --user-group bra \
    && mkdir -p /app/media /app/var/beat \
    && chown -R bra:bra /app/media /app/var
USER bra

EXPOSE 8000
CMD ["gunicorn", "bra_portal.wsgi", "--bind=0.0.0.0:8000", "--access-logfile=-", "--error-logfile=-", "--logger-class=core.logging.GunicornLogger"]
