# The bot as a container image: docs/operations.md ("The container image") says how to run it.
#
# Python 3.11, the Python requirements.lock is resolved for (tools/lock.py); every package,
# the build backend included, comes from the lock with its hashes (pip --require-hashes), so a
# file changed on the index fails the build. The bot runs as an unprivileged user, its state
# (the SQLite database and inbox, unless BOT_DB_URL names PostgreSQL) on a volume.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/besponsa-bot \
    PATH=/opt/besponsa-bot/bin:$PATH

RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /var/lib/besponsa-bot \
       --shell /usr/sbin/nologin bot \
    && install -d -m 0700 -o bot -g bot /var/lib/besponsa-bot

WORKDIR /src
COPY requirements.lock ./
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --require-hashes -r requirements.lock
COPY pyproject.toml hatch_build.py README.md ./
COPY rules ./rules
COPY dialogs ./dialogs
COPY bot ./bot
COPY locales ./locales
# The wheel's build backend (hatchling) and babel, which compiles the catalogs, are in the lock.
RUN pip install --no-deps --no-build-isolation --no-index . \
    && cd / && rm -rf /src

USER bot:bot
WORKDIR /var/lib/besponsa-bot
ENV HOME=/var/lib/besponsa-bot \
    BOT_DB_PATH=/var/lib/besponsa-bot/state.sqlite3 \
    BOT_HEALTH_PORT=8080 \
    BOT_HEALTH_HOST=0.0.0.0 \
    LOG_FORMAT=json
VOLUME ["/var/lib/besponsa-bot"]
# 8080: GET /healthz, /readyz, /metrics; 8443: the webhook (BOT_MODE=webhook).
EXPOSE 8080 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.health", "/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["besponsa-bot"]
CMD ["telegram"]
