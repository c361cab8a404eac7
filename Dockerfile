# One image for the API, the workers, the simulator and migrations.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md alembic.ini ./
COPY geo ./geo
COPY surfaces ./surfaces
COPY llmsim ./llmsim
COPY db ./db
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY cli ./cli
COPY config ./config
COPY worker.py ./
RUN pip install . && useradd --create-home --uid 10001 app && chown -R app /app
USER app

EXPOSE 8000
CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8000"]
