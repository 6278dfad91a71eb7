# Production image of the portal: gunicorn by default; the same image runs the Celery worker and beat
# (see docker-compose.yml). Besides the base images, packages come only from npm and PyPI.

# ---- Front-end packages: the same files `make assets` copies into static/vendor ----
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && mkdir -p static/vendor \
 && cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/ \
 && cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/ \
 && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/ \
 && { echo '<svg xmlns="http://www.w3.org/2000/svg"><!-- bootstrap-icons, MIT License: icons.getbootstrap.com -->'; \
      for icon in bar-chart bell box-arrow-right braces building gear graph-up-arrow house journal-text key people person-circle \
                  ticket-perforated translate; do \
        sed -e "s|^<svg [^>]*\(viewBox=\"[^\"]*\"\)>|<symbol id=\"$icon\" \1>|" -e 's|</svg>|</symbol>|' \
          node_modules/bootstrap-icons/icons/$icon.svg; \
      done; echo '</svg>'; } > static/vendor/icons.svg
COPY static/src/ static/src/
RUN npm run --silent build:echarts

# ---- Runtime ----
FROM python:3.11-slim AS runtime

# PYTHONPATH: the code runs from /app (config/settings/base.py derives BASE_DIR, hence templates/, static/ and
# locale/, from its own location). `python manage.py` and gunicorn put /app first by themselves; the celery
# command does not, so set it for every process.
# DJANGO_SETTINGS_MODULE: manage.py and config/celery.py default to the development settings.
ENV PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal --shell /usr/sbin/nologin portal

WORKDIR /app

# `pip install .` from pyproject alone, before any code is copied: it installs the runtime [project] dependencies
# (no dev extra), and this heavy layer (pandas, numpy, psycopg) is rebuilt only when pyproject.toml changes.
# No package directory is present yet, so nothing of the portal lands in site-packages and /app stays the only
# copy of the code. (README.md, named as readme, is optional here: setuptools only warns.)
COPY pyproject.toml /tmp/src/
RUN pip install /tmp/src && rm -rf /tmp/src

# Every app of the portal, in its layers (ARCHITECTURE.md); tests/config/test_settings.py checks none is missing.
COPY manage.py ./
COPY core/ core/
COPY rulesets/ rulesets/
COPY accounts/ accounts/
COPY enterprises/ enterprises/
COPY scoring/ scoring/
COPY cultivation/ cultivation/
COPY ip/ ip/
COPY departments/ departments/
COPY officers/ officers/
COPY vouchers/ vouchers/
COPY policies/ policies/
COPY notifications/ notifications/
COPY firm_accounts/ firm_accounts/
COPY audit/ audit/
COPY reports/ reports/
COPY dashboards/ dashboards/
COPY quality/ quality/
COPY workspaces/ workspaces/
COPY pipeline/ pipeline/
COPY demo/ demo/
COPY config/ config/
COPY templates/ templates/
COPY static/ static/
# locale/ holds the committed .po sources and their compiled .mo files.
COPY locale/ locale/
COPY --from=assets /build/static/vendor/ static/vendor/

# Production settings refuse to load without SECRET_KEY and ALLOWED_HOSTS; collectstatic uses neither, so these
# throwaway values are set for this RUN only (not image ENV: the real ones come at run time). Static files stay
# owned by root (read-only for the app, served by WhiteNoise); only the media and beat-schedule directories are
# writable, and named volumes mounted there start out with this ownership.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && mkdir -p var/media var/private var/celerybeat \
 && chown portal:portal var/media var/private var/celerybeat

USER 10001:10001
EXPOSE 8000

# No HEALTHCHECK here: the worker and beat run this image too and serve no HTTP; compose checks `web` itself.
# sh -c only to expand GUNICORN_WORKERS; exec hands PID 1 to gunicorn so `docker stop` shuts it down gracefully.
# /dev/shm: gunicorn's worker heartbeat files on the container's overlay filesystem can stall workers.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --worker-tmp-dir /dev/shm --access-logfile -"]
