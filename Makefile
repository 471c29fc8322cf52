# Living Well front door. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

# Rasa 3.6 runs on Python 3.8 to 3.10. Find a 3.10: pyenv's first, then any on PATH.
PYTHON310 := $(shell \
	if PYENV_VERSION=3.10.13 python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then echo "env PYENV_VERSION=3.10.13 python3.10"; \
	elif [ -x "$$HOME/.pyenv/versions/3.10.13/bin/python3.10" ]; then echo "$$HOME/.pyenv/versions/3.10.13/bin/python3.10"; \
	elif python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then echo python3.10; \
	fi)

.PHONY: help run test test-slow train shell lint eval bench check-data check-python clean

help:
	@echo "make run    set everything up, train if needed, and start the assistant"
	@echo "make test   set everything up and run the whole test suite (all but the slow tests)"
	@echo "make test-slow  the tests that train a whole candidate model (co-production go-live)"
	@echo "make train  train the model if the data changed"
	@echo "make shell  talk to the assistant in this terminal"
	@echo "make lint   ruff"
	@echo "make check-data  check replies and examples: rasa data validate and our language guide"
	@echo "make eval   safety, understanding and redaction figures on the held-back sets and real posts (JSON, counts only)"
	@echo "make bench  one JSON object: turn latency and load against stock Rasa, training, memory, directory, Hub queue"

check-python:
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 supports 3.8 to 3.10) and none was found."; \
	  echo "Install it with pyenv: 'pyenv install 3.10.13', then run make again."; \
	  exit 1; fi

$(STAMP): requirements.lock requirements-nodeps.txt pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip<24.1'
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-nodeps.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Rasa compares the data's fingerprint with the newest model and retrains only on change.
train: $(STAMP)
	$(BIN)/rasa train --quiet --num-threads 2

run: $(STAMP) train
	@bash scripts/run.sh

shell: $(STAMP) train
	@bash scripts/run.sh --shell

lint: $(STAMP)
	$(BIN)/ruff check bot actions tests bench scripts

# The co-production checks: Rasa's own, then our language guide (data/language.yml), reading
# ease, SMS length, examples and word lists. CHECK_ROOT=DIR checks another copy of the project.
CHECK_ROOT ?= .
check-data: $(STAMP)
	$(BIN)/rasa data validate --quiet --domain $(CHECK_ROOT)/domain.yml --data $(CHECK_ROOT)/data --config $(CHECK_ROOT)/config.yml
	$(BIN)/bot check-data --root $(CHECK_ROOT)

test: $(STAMP)
	$(MAKE) --no-print-directory check-data
	$(MAKE) --no-print-directory train
	$(BIN)/ruff check bot actions tests bench scripts
	$(BIN)/bot rasa test core --stories tests/test_stories.yml --fail-on-prediction-errors --out var/test-results/core --quiet
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=10 -m "not slow"

# The tests that train a whole candidate model (co-production's try-then-go-live): too long for CI.
test-slow: $(STAMP) train
	$(BIN)/python -m pytest -q -p no:cacheprovider -m slow

eval: $(STAMP) train
	@for set in tests/data/risk_heldout.yml tests/data/risk_fresh.yml tests/data/risk_blind20.yml tests/data/risk_blind21.yml tests/data/risk_blind22.yml tests/data/risk_blind23.yml; do \
	  $(BIN)/bot safety eval --set $$set --model "$$(ls -t models/*.tar.gz | head -n1)"; done
	@$(BIN)/bot analyse --file tests/data/nlu_heldout.yml --summary
	@$(BIN)/bot safety eval --real --part test --model "$$(ls -t models/*.tar.gz | head -n1)"
	@$(BIN)/bot redact --eval tests/data/redaction_set.yml
	@$(BIN)/bot redact --eval tests/data/redaction_fresh.yml

# Progress on stderr, the JSON alone on stdout: `make -s bench > bench.json` keeps it. Under 15 minutes.
# (bench/bench_safety.py, the risk detector's cost per message alone, runs on its own.)
bench: $(STAMP)
	@$(BIN)/python bench/run_all.py

clean:
	rm -rf var .rasa test-artifacts
