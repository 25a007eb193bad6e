# The two commands a new user needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run setup setup-dev demo test test-fast lint typecheck format audit bench bench-campaigns bench-training bench-inspections bench-images bench-login bench-workdays bench-network bench-committee clean

# `make run` runs as production does (DEBUG off, static files served by WhiteNoise, Chinese 404/500 pages) with the
# local run profile: keys generated once in var/, localhost only, plain HTTP (docs/configuration.md, LOCAL_RUN).
run: setup ## Install, migrate, load the demo data and start web + worker + beat on the embedded default.
	LOCAL_RUN=1 $(PY) manage.py migrate --no-input -v0
	LOCAL_RUN=1 $(PY) manage.py seed_demo
	LOCAL_RUN=1 $(PY) manage.py runportal

setup:
	@scripts/setup.sh runtime

setup-dev:
	@scripts/setup.sh dev

demo: setup
	LOCAL_RUN=1 $(PY) manage.py migrate --no-input -v0
	LOCAL_RUN=1 $(PY) manage.py seed_demo

test: setup-dev ## The whole suite (uses DATABASE_URL / REDIS_URL when set).
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: ## Without the browser and worker tests.
	$(PY) -m pytest -q -m "not browser and not worker" $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) --no-print-directory typecheck
	TESTING=1 $(PY) manage.py makemigrations --check --dry-run

typecheck: ## mypy with django-stubs on safetyportal/ and every services.py and selectors.py (pyproject.toml [tool.mypy]).
	TESTING=1 $(PY) -m mypy

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

audit: ## Known-vulnerability scan of the runtime lock (needs PyPI's JSON API).
	$(PY) -m pip_audit -r requirements.txt --progress-spinner off

bench: setup-dev ## Documents engine (render times, size, memory, worker throughput).
	$(PY) -m benchmarks

bench-campaigns: setup-dev ## Campaign summary over 100,000 returns.
	$(PY) -m benchmarks.campaigns

bench-training: setup-dev ## 50,000-row certificate import and verification among 1,000,000.
	$(PY) -m benchmarks.training

bench-inspections: setup-dev ## Exposure pages with 1,000,000 cases under gunicorn and wrk (loopback).
	$(PY) -m benchmarks.inspections

bench-images: setup-dev ## Photo pipeline: peak memory per maximal photo, five photos in one /report/ POST.
	$(PY) -m benchmarks.images

bench-login: setup-dev ## Login POST: the old PBKDF2 setting against Argon2, plus the code step.
	$(PY) -m benchmarks.login

bench-workdays: setup-dev ## Working-day calendar: 100,000 deadline computations over ten years (< 0.5 s).
	$(PY) -m benchmarks.workdays

bench-network: setup-dev ## Committee network: 3,150 towns and communities, 60 member units: boards, roll-up, 签收 (< 1 s).
	$(PY) -m benchmarks.network

bench-committee: setup-dev ## Assessment: scoring a year for 3,150 units, 100,000 returns, 50,000 hazards (< 2 s, constant queries).
	$(PY) -m benchmarks.committee

clean:
	rm -rf var staticfiles
