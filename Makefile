# Two commands on a fresh machine:
#   make run    install, migrate, load the demo content, create an administrator, serve
#   make test   lint, migration check, and the whole test suite (SQLite, then PostgreSQL)
# Both install the Debian packages they need first (scripts/system-deps.sh, with sudo when not
# root). HOST sets where `make run` serves, e.g. `make run HOST=0.0.0.0:8080`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/sxjd
DEV := DJANGO_DEBUG=1 WAGTAILADMIN_BASE_URL=http://$(HOST)

.PHONY: run test install install-dev system-deps system-deps-run lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages: the certificate font for `make run`; also Chromium, CJK fonts and poppler
# for the tests.
system-deps-run:
	@bash scripts/system-deps.sh run
system-deps:
	@bash scripts/system-deps.sh test

run: install system-deps-run
	@echo "== 数据库：正在迁移（首次约半分钟）……"
	@$(DEV) $(BIN)/python manage.py migrate --no-input -v 0
	@$(DEV) $(BIN)/python manage.py load_demo
	@$(DEV) $(BIN)/python manage.py ensure_admin
	@echo "== 网站：http://$(HOST)/    管理后台：http://$(HOST)/admin/    按 Ctrl+C 停止"
	@$(DEV) $(BIN)/python manage.py runserver $(HOST)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint system-deps
	$(BIN)/pytest
	@if $(BIN)/python scripts/postgres_available.py "$${TEST_DATABASE_URL:-$(PG_TEST_URL)}"; then \
		echo "== PostgreSQL run"; \
		DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/pytest -m "not e2e"; \
	else \
		echo "== PostgreSQL not reachable: skipped the PostgreSQL run"; \
	fi

clean:
	rm -rf var
