#!/bin/sh
# The container's entry point: bring the app database up to date (Alembic; replicas take
# turns through a PostgreSQL lock), then run the part named by the first argument.
#   rasa     the Rasa server (REST, web chat, SMS) on 5005
#   actions  the action server on 5055
#   hub      the Hub console on LWFD_HUB_PORT (5002)
#   consumer the Hub feed's RabbitMQ consumer on its own (the console also runs one)
# Anything else is run as given.
set -e
bot db upgrade
case "${1:-rasa}" in
  rasa)
    shift 2>/dev/null || true
    exec bot rasa run --enable-api --auth-token "$LWFD_RASA_TOKEN" --port 5005 \
      --credentials credentials.yml --endpoints endpoints.yml -m models "$@" ;;
  actions)
    exec python -m bot.action_server --actions actions --host 0.0.0.0 --port 5055 ;;
  hub)
    exec python -m bot.hub ;;
  consumer)
    exec python -m bot.hub.consumer ;;
  *)
    exec "$@" ;;
esac
