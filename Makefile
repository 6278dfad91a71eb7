# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := static/vendor
# pytest-xdist workers; the suite is I/O-bound on the database, so one per core.
TEST_WORKERS ?= 2

.PHONY: run test install assets messages lint format browser serve-prod bench clean

run: install assets
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py recompute_portraits --inline
	$(BIN)/python manage.py seed_officers
	$(BIN)/python manage.py seed_history
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install assets browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	# `make run` migrates an embedded SQLite database: every migration must apply there too.
	rm -rf var/migrate-check && mkdir -p var/migrate-check
	DATABASE_URL=sqlite:///$(CURDIR)/var/migrate-check/db.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	rm -rf var/migrate-check
	$(BIN)/pytest -n $(TEST_WORKERS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Front-end packages come from the npm registry at build time and are served by the portal itself. ECharts is
# built (esbuild, package.json's build:echarts) with only the charts and components the pages draw
# (static/src/echarts-portal.js): about 200 KB gzipped instead of the whole 1.1 MB build.
assets: $(VENDOR)/.built $(VENDOR)/icons.svg

# The bootstrap-icons the pages use (`{% icon "bell" %}`), gathered into one small sprite of <symbol>s: neither the
# package's 1 MB sprite of every icon nor an icon font.
ICONS := bar-chart bell box-arrow-right braces building gear graph-up-arrow house journal-text key people person-circle \
	ticket-perforated translate

$(VENDOR)/icons.svg: $(VENDOR)/.built Makefile
	{ echo '<svg xmlns="http://www.w3.org/2000/svg"><!-- bootstrap-icons, MIT License: icons.getbootstrap.com -->'; \
	  for icon in $(ICONS); do \
	    sed -e "s|^<svg [^>]*\(viewBox=\"[^\"]*\"\)>|<symbol id=\"$$icon\" \1>|" -e 's|</svg>|</symbol>|' \
	      node_modules/bootstrap-icons/icons/$$icon.svg; \
	  done; echo '</svg>'; } > $@

$(VENDOR)/.built: package.json package-lock.json static/src/echarts-portal.js
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	rm -f $(VENDOR)/echarts.min.js
	npm run --silent build:echarts
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

# Rebuild the translation catalogue after changing user-facing strings (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore ".venv/*" --ignore "node_modules/*" --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install assets
	$(BIN)/python bench/list_bench.py
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/staticfiles
