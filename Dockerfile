# One image for the Rasa server, the action server and the Hub console; the command picks
# which. See docs/production.md for running several replicas behind a load balancer.
FROM python:3.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1001 lwfd
WORKDIR /app

COPY requirements.lock requirements-nodeps.txt ./
RUN pip install --no-cache-dir -r requirements.lock \
 && pip install --no-cache-dir --no-deps --require-hashes -r requirements-nodeps.txt
COPY pyproject.toml ./
COPY bot ./bot
COPY actions ./actions
RUN pip install --no-cache-dir --no-deps -e .
COPY config.yml domain.yml endpoints.yml credentials.yml ./
COPY config ./config
COPY data ./data
RUN rasa train --num-threads 2 && chown -R lwfd /app
USER lwfd

EXPOSE 5005 5055 5002
# Rasa server by default; override with `python -m bot.action_server --host 0.0.0.0` (token
# required, LWFD_ACTION_TOKEN) or `python -m bot.hub`. Publish only a proxy: docs/security.md.
CMD rasa run --enable-api --auth-token "$LWFD_RASA_TOKEN" --port 5005 \
    --credentials credentials.yml --endpoints endpoints.yml -m models
