#!/usr/bin/env bash
# Starts everything: the action server, the Rasa server and the Hub console. Ctrl-C stops all
# of them. The engines are the embedded default (SQLite under var/, in-memory lock store)
# unless the environment chooses others (docs/deploy.md); `bot rasa` fills endpoints.yml's
# variables from bot/config.py.
# Called by `make run` (and `make shell` with --shell) after install and training.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
HUB_PORT=${LWFD_HUB_PORT:-5002}
export TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p var/log

# No built-in secret is ever used: on first run each secret not set in the environment gets a
# random value, kept in var/secrets.env (readable by this user only) so later runs reuse it.
SECRETS=var/secrets.env
(umask 077; touch "$SECRETS")
for name in LWFD_RASA_TOKEN LWFD_HUB_SECRET LWFD_ACTION_TOKEN LWFD_REST_TOKEN LWFD_DATA_KEY TWILIO_AUTH_TOKEN; do
  if ! grep -q "^$name=" "$SECRETS"; then
    echo "$name=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$SECRETS"
  fi
done
while IFS='=' read -r name value; do
  if [ -z "${!name:-}" ]; then export "$name=$value"; fi
done <"$SECRETS"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop_all INT TERM EXIT

wait_for() {  # wait_for NAME URL LOGFILE
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "$1 did not start; see $3" >&2
  tail -n 20 "$3" >&2 || true
  exit 1
}

$BIN/bot db upgrade >/dev/null  # the shipped sample directory loads itself on first use

echo "Starting the action server on port $ACTIONS_PORT..."
$BIN/python -m bot.action_server --actions actions --host 127.0.0.1 --port "$ACTIONS_PORT" \
  >var/log/actions.log 2>&1 &
pids+=($!)
wait_for "The action server" "http://127.0.0.1:$ACTIONS_PORT/health" var/log/actions.log

if [ "${1:-}" = "--shell" ]; then
  $BIN/bot rasa shell --endpoints endpoints.yml -m models
  exit 0
fi

# The SMS channel checks Twilio's signature against the address Twilio posts to: this one.
export LWFD_PUBLIC_SMS_WEBHOOK_URL=${LWFD_PUBLIC_SMS_WEBHOOK_URL:-http://localhost:$RASA_PORT/webhooks/twilio/webhook}
echo "Starting the Rasa server on port $RASA_PORT (loading the model takes a little while)..."
# Loopback only: put a reverse proxy in front that forwards /webhooks/ alone (docs/security.md).
$BIN/bot rasa run --enable-api --auth-token "$LWFD_RASA_TOKEN" --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml -m models >var/log/rasa.log 2>&1 &
pids+=($!)
wait_for "The Rasa server" "http://127.0.0.1:$RASA_PORT/" var/log/rasa.log

echo "Starting the Hub console on port $HUB_PORT..."
$BIN/python -m bot.hub >var/log/hub.log 2>&1 &
pids+=($!)
wait_for "The Hub console" "http://127.0.0.1:$HUB_PORT/login" var/log/hub.log
hub_line="http://localhost:$HUB_PORT/   (create a login: .venv/bin/bot hub add-user NAME --role worker)"

cat <<TXT

Living Well front door is running.
  Talk to it (REST):  curl -s -XPOST http://localhost:$RASA_PORT/webhooks/rest/webhook -H "Authorization: Bearer \$LWFD_REST_TOKEN" -H 'Content-Type: application/json' -d '{"sender":"me","message":"hi"}'   (token in var/secrets.env)
  Web chat:           http://localhost:$RASA_PORT/webhooks/webchat/
  SMS webhook:        $LWFD_PUBLIC_SMS_WEBHOOK_URL
  Hub console:        $hub_line
  Logs:               var/log/      Secrets: var/secrets.env
Press Ctrl-C to stop everything.
TXT
wait -n "${pids[@]}"
echo "A process stopped unexpectedly; see var/log/." >&2
