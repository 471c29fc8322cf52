# One image for the Rasa server, the action server and the Hub console; the command picks
# which (scripts/entrypoint.sh: rasa | actions | hub | consumer). It runs as a non-root user,
# with the model trained into the image at build time (or mount one over /app/models).
# docker-compose.yml runs it as several replicas; docs/deploy.md explains the set-up.
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
COPY scripts/entrypoint.sh ./scripts/entrypoint.sh
RUN rasa train --num-threads 2
RUN mkdir -p var .rasa && chown -R lwfd var models .rasa
USER lwfd

EXPOSE 5005 5055 5002
# The entry point runs rasa, actions (python -m bot.action_server: token required,
# LWFD_ACTION_TOKEN), hub or consumer. Publish only a proxy: docs/security.md.
ENTRYPOINT ["/app/scripts/entrypoint.sh"]
CMD ["rasa"]
