# One image for the API, the workers, the simulator and migrations; docker-compose.yml picks the
# command:
#   uvicorn api.main:app --host 0.0.0.0 --port 8000   (the default)
#   python worker.py [--queues property-audit|llm-openai|llm-claude|llm-gemini|llm-perplexity,…]
#   python -m llmsim
#   alembic upgrade head
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The dependencies first, read from pyproject.toml: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the whole build context (.dockerignore keeps out .git, .venv, .data, caches, tests, .env):
# a new package or data file (reports/*.j2, db/migrations, alembic.ini) can never be forgotten.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && useradd --create-home --uid 10001 --user-group app \
    && mkdir -p /app/.data \
    && chown app:app /app/.data

# The code stays root-owned and read-only for the process; only .data (SQLite default) is its own.
USER app

EXPOSE 8000 8900 9464
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
