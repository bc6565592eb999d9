# The project's test command is `make test`: it sets everything up on a fresh
# Debian machine (as root for the Docker parts) and runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILD := .build
COLLECTIONS := $(BUILD)/collections
INSTALLED := $(COLLECTIONS)/ansible_collections/runnerops/gitlab_runner
ANSIBLE_TEST_PIP := 24.2
# ansible-test lists files with git when inside a work tree, where .build/ is ignored: it runs on a copy outside.
SANITY_ROOT ?= /tmp/runnerops-sanity

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export RUNNEROPS_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_FORCE_COLOR := false
export PY_COLORS := 0

# The scenarios make test runs, in this order. socket and dind each repeat half of default (which runs both modes
# side by side, the private registry included), so they run one by one: `make molecule MOLECULE_SCENARIO=socket`.
# repositories installs from a signed mirror (needs Go for the package's maintainer scripts: tests/env/fetch-runner-packaging.sh).
# network puts a runner host behind an authenticating proxy on a small-MTU link (squid, a registry with htpasswd).
MOLECULE_SCENARIO ?= default reliability repositories network

.PHONY: test venv build lint sanity unit schema env molecule bench mutation provision validate demo demo-shell demo-clean demo-test clean

test: lint build sanity unit molecule demo-test ## Everything, in the order CI runs it
	@echo "make test: all checks passed"

venv: $(BIN)/.installed
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

build: venv ## Build the collection artifact and install it where the tests look
	rm -rf $(BUILD)/dist $(COLLECTIONS)
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist .
	$(BIN)/ansible-galaxy collection install --force -p $(COLLECTIONS) $(BUILD)/dist/runnerops-gitlab_runner-*.tar.gz

lint: venv
	$(BIN)/yamllint -c .yamllint .
	@# ansible-lint installs this collection to lint it. With ANSIBLE_COLLECTIONS_PATH set it would put that copy in
	@# ~/.ansible/collections, where it shadows a version installed later; without, in this checkout's .ansible/.
	env -u ANSIBLE_COLLECTIONS_PATH $(BIN)/ansible-lint --profile production
	$(BIN)/antsibull-changelog lint
	@# CHANGELOG.rst is generated from changelogs/changelog.yaml: regenerate it and fail if it was stale.
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-changelog generate
	@git diff --quiet -- CHANGELOG.rst 2>/dev/null || { git rev-parse --git-dir >/dev/null 2>&1 \
	  && { echo "CHANGELOG.rst was stale: antsibull-changelog generate rewrote it; commit the result" >&2; exit 1; }; }

# ansible-test fetches a pip bootstrap script from a host some machines cannot
# reach; an offline equivalent is put in its cache first.
sanity: build
	@mkdir -p $(HOME)/.ansible/test/cache
	@test -f $(HOME)/.ansible/test/cache/get_pip_$(subst .,_,$(ANSIBLE_TEST_PIP)).py \
	  || cp tools/ansible_test_get_pip.py $(HOME)/.ansible/test/cache/get_pip_$(subst .,_,$(ANSIBLE_TEST_PIP)).py
	rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)/ansible_collections/runnerops
	cp -a $(INSTALLED) $(SANITY_ROOT)/ansible_collections/runnerops/
	cd $(SANITY_ROOT)/ansible_collections/runnerops/gitlab_runner && $(CURDIR)/$(BIN)/ansible-test sanity --venv --python 3.11 --color no

# -rs: a test that cannot run here (no Go, no module proxy) says why in one line.
unit: build
	$(BIN)/pytest -q -rs tests/unit

# config_toml_schema.py generated from GitLab Runner's Go module by tools/runner-source (Go standard library only):
# make schema [RUNNER_MODULE_VERSION=<module version>]; the unit tests regenerate it for the default and compare.
RUNNER_MODULE_VERSION ?= v1.11.1-0.20260903214710-fc1f1862bd91
GITLAB_RUNNER_GOMODCACHE ?= /var/cache/runnerops-test/gitlab-runner/gomodcache
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
schema:
	@module=$$(cd "$$(mktemp -d)" && GOMODCACHE=$(GITLAB_RUNNER_GOMODCACHE) GOTOOLCHAIN=local GOWORK=off GOFLAGS=-mod=mod \
	  $(GO) mod download -json gitlab.com/gitlab-org/gitlab-runner@$(RUNNER_MODULE_VERSION) \
	  | $(PYTHON) -c 'import json, sys; info = json.load(sys.stdin); sys.exit(info.get("Error")) if "Dir" not in info else print(info["Dir"])') \
	  && cd tools/runner-source && GOTOOLCHAIN=local GOWORK=off GOPROXY=off $(GO) run . schema -module "$$module" \
	  -version $(RUNNER_MODULE_VERSION) -meta schema_meta.json -o $(CURDIR)/plugins/module_utils/config_toml_schema.py
	@echo "plugins/module_utils/config_toml_schema.py: generated from gitlab-runner@$(RUNNER_MODULE_VERSION)"

# A Docker engine (installed and started when absent) and the images no registry here can provide.
env:
	bash tests/env/ensure-docker.sh
	bash tests/env/build-images.sh

# Runs against the installed artifact, one scenario after the other (they share two cores), each timed.
molecule: build env
	cd $(CURDIR) && for scenario in $(MOLECULE_SCENARIO); do \
	  started=$$(date +%s); \
	  PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/molecule test -s $$scenario; \
	  echo "molecule scenario $$scenario passed in $$(( $$(date +%s) - started )) s"; \
	done

# Real hosts, with nothing set up beforehand but this checkout: make provision INVENTORY=<path> [MODE=socket|dind]
# [ARGS="--check --diff"]; make validate checks the same inventory and changes nothing.
INVENTORY ?=
MODE ?=
ARGS ?=
provision validate: build
	@test -n "$(INVENTORY)" || { echo "make $@ needs INVENTORY=<inventory file or directory>, e.g. INVENTORY=inventories/example" >&2; exit 2; }
	$(BIN)/ansible-playbook -i "$(INVENTORY)" runnerops.gitlab_runner.$(if $(filter provision,$@),site,validate) \
	  $(if $(MODE),-e runner_mode=$(MODE)) $(ARGS)

# The main job on this machine with nothing set up beforehand: a local runner host (a systemd container) and the
# GitLab API test double, site.yml -e runner_mode=$(MODE) against it, the article's jobs and a summary (demo/demo.sh).
demo:
	@bash demo/demo.sh run "$(MODE)"

demo-shell:
	@bash demo/demo.sh shell

demo-clean:
	@bash demo/demo.sh clean

# make demo as a new user runs it (removes a demo that is up): summary, a second run that changes nothing, cleanup.
demo-test: build env
	$(BIN)/pytest -q -p no:cacheprovider tests/demo

# Figures, not pass/fail: each line is "bench: <name> <value>"; compare ratios measured in one run.
bench: build env
	$(BIN)/python tests/bench/bench_validate.py
	$(BIN)/python tests/bench/bench_fleet.py

# Figures, not pass/fail, and not part of make test: mutation testing of the rule files of plugins/module_utils/
# (tests/mutation/run.py lists them with their unit tests), "mutation: <file> killed/total (non-equivalent) <percent>"
# per file and a total; make mutation MUTATION_FILES="secrets drain" measures a few. It mutates a copy of the
# checkout (.build/mutation/), never the files being edited. mutmut 2 gets a virtualenv of its own under .build/: its
# pins (click, pony, parso) stay out of the one make test and the roles' checks use, whose Python runs the tests.
# mutmut 2 rather than 3: 3 mutates only inside functions (not the rule tables) and finds its mutants by module name,
# which the collection's import path (ansible_collections.runnerops...) does not match.
MUTATION_VENV := $(BUILD)/mutation-venv
MUTATION_FILES ?=
mutation: venv $(MUTATION_VENV)/.installed
	nice -n 10 $(MUTATION_VENV)/bin/python tests/mutation/run.py --python $(BIN)/python $(MUTATION_FILES)
$(MUTATION_VENV)/.installed:
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/pip install --quiet --disable-pip-version-check mutmut==2.5.1
	touch $@

clean:
	rm -rf $(BUILD) tests/output .ansible
