#!/bin/sh
# Container entrypoint for Alertmanager (docker-compose.yml): renders alertmanager.yml from the
# environment, writes the secrets to files only Alertmanager reads, then starts Alertmanager
# with the rendered file and the arguments given.
#
#   entrypoint.sh [alertmanager args...]   render, then exec alertmanager
#   entrypoint.sh --render-only            render and print the path of the rendered file
#
# ${NAME} in the template is replaced by the environment variable NAME; an unset one is an
# error (so a missing .env entry fails at start, not when the first alert is sent).
set -eu
template="${ALERTMANAGER_TEMPLATE:-/etc/alertmanager/alertmanager.yml}"
runtime="${ALERTMANAGER_RUNTIME_DIR:-/tmp/alertmanager}"
ALERTMANAGER_SECRETS_DIR="$runtime/secrets"
ALERTMANAGER_TEMPLATES_DIR="${ALERTMANAGER_TEMPLATES_DIR:-$(dirname "$template")/templates}"
export ALERTMANAGER_SECRETS_DIR ALERTMANAGER_TEMPLATES_DIR

umask 077
mkdir -p "$ALERTMANAGER_SECRETS_DIR"
printf '%s' "${SMTP_PASSWORD:-}" >"$ALERTMANAGER_SECRETS_DIR/smtp-password"
printf '%s' "${SLACK_WEBHOOK_URL:-}" >"$ALERTMANAGER_SECRETS_DIR/slack-webhook-url"
printf '%s' "${ALERT_WEBHOOK_TOKEN:-}" >"$ALERTMANAGER_SECRETS_DIR/webhook-token"
printf '%s' "${ALERT_HISTORY_TOKEN:-}" >"$ALERTMANAGER_SECRETS_DIR/history-token"

awk '
  {
    line = $0; out = ""
    while (match(line, /\$\{[A-Z][A-Z0-9_]*\}/)) {
      name = substr(line, RSTART + 2, RLENGTH - 3)
      if (!(name in ENVIRON)) { printf "alertmanager entrypoint: %s is not set\n", name > "/dev/stderr"; failed = 1; exit 1 }
      out = out substr(line, 1, RSTART - 1) ENVIRON[name]
      line = substr(line, RSTART + RLENGTH)
    }
    print out line
  }
  END { if (failed) exit 1 }
' "$template" >"$runtime/alertmanager.yml"

if [ "${1:-}" = "--render-only" ]; then
  echo "$runtime/alertmanager.yml"
  exit 0
fi
exec /bin/alertmanager --config.file="$runtime/alertmanager.yml" "$@"
