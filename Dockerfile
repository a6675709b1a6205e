# Production image: gunicorn serving the Django app; the same image runs the
# Celery worker and beat (docker-compose.yml). Static assets are built from the
# pinned npm packages in a Node stage and collected with hashed names.

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var
WORKDIR /app
# Pango (and its fonts) for WeasyPrint's PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=assets /build/static/build/ static/build/
# collectstatic needs settings, not secrets: a throwaway key for this step only.
RUN SECRET_KEY=collectstatic-only-throwaway-key-never-used-to-sign-anything STATIC_MANIFEST=1 python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --home-dir /app cse \
    && chown -R cse /app/var
USER cse
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["gunicorn", "cse_team.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
