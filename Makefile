# Playbook: `make run` starts the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test check-services lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The venv is rebuilt from the lock file whenever the lock file changes.
$(VENV)/.installed: uv.lock pyproject.toml | $(BIN)/python
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

install: $(VENV)/.installed

run: install
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py migrate --no-input -v0
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py seed_demo
	@echo "Playbook runs at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py runserver $(HOST):$(PORT)

check-services: install
	@$(BIN)/python scripts/check_services.py

test: check-services
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: check-services
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/recompute.py --quick
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/import.py --quick
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/ticks.py
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/load.py --quick
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/pages.py --quick
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/bounds.py
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/reports.py --quick
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python bench/api.py --quick

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .screenshots
