#!/usr/bin/env bash
# Runs the web server and a Celery worker with embedded beat side by side; Ctrl-C (or either one dying)
# stops both. Used by `make run`.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-true}"
mkdir -p var/broker/queue var/broker/processed var/broker/control

pids=()
cleanup() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  exit 0
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A bra_portal worker -B --pool=solo --loglevel=INFO \
  --schedule=var/celerybeat-schedule &
pids+=($!)
$PY manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}" &
pids+=($!)

wait -n
