# Production image: gunicorn serves the site (behind Caddy, see deploy/Caddyfile), whitenoise its static
# files; the same image runs the migrations and the Celery worker and beat (see docker-compose.yml).
# Settings come from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 registry

WORKDIR /app
COPY requirements.txt .
# Every file is checked against the hash in the lock (compiled from requirements.in by `make lock`).
RUN pip install --require-hashes -r requirements.txt

COPY . .
# Build-time steps need settings but no database, mail server or secrets of the real site.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-not-secret-build-only-not-secret-0123456789 \
    DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build EMAIL_URL=smtp://localhost:25 \
    sh -c "python manage.py compilemessages --locale ar && python manage.py collectstatic --noinput" \
    && chown -R registry:registry /app

USER registry
EXPOSE 8000
CMD ["gunicorn", "registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
