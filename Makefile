# Gregor's entry points. `make test` is what CI runs (.ci/run): it installs what a fresh machine lacks,
# builds, runs the Swift tests, then the interop tests that drive real `gregor broker` processes with
# clients others wrote (kcat, confluent-kafka, kafka-python).

SWIFT   ?= swift
PYTHON  ?= python3
VENV    := .interop/venv
PY      := $(VENV)/bin/python
SUDO    := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
SCHEMAS ?= ../shared/kafka-protocol/messages

.PHONY: test deps build swift-test interop simulate protocol protocol-check bench release clean help

help:
	@echo "make test       install test tools, build, run all tests (what CI runs)"
	@echo "make build      debug build"
	@echo "make protocol   regenerate Sources/KafkaProtocol/Generated from $(SCHEMAS)"
	@echo "make bench      micro-benchmarks (Benchmarks/, release)"
	@echo "make simulate SEEDS=n   Raft and replication simulations over n seeds (SEED=k replays one)"

test: deps build swift-test interop

## kcat from Debian's packages; confluent-kafka, kafka-python and pytest from PyPI, in a venv.
deps: $(VENV)/.installed
	@command -v kcat >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq kcat; }
	@command -v kcat >/dev/null 2>&1 || { echo "kcat could not be installed"; exit 1; }

$(VENV)/.installed: Tests/Interop/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
	@touch $@

build:
	$(SWIFT) build

# A crashing test prints its backtrace and ends the run instead of waiting at an interactive prompt.
# The seeded simulations keep both cores busy for a minute, so they run after the other tests rather
# than beside them: on 2 cores they starved the tests that talk to brokers by tens of seconds.
swift-test:
	SWIFT_BACKTRACE=enable=yes,interactive=no $(SWIFT) test --skip Simulation
	SWIFT_BACKTRACE=enable=yes,interactive=no $(SWIFT) test --skip-build --filter Simulation

interop: build
	GREGOR_BIN=$$($(SWIFT) build --show-bin-path)/gregor $(PY) -m pytest -q Tests/Interop

# The seeded simulations alone, over more seeds than `make test` runs; SEED=k replays one seed exactly.
SEEDS ?= 10000
simulate:
	SIMULATION_SEEDS=$(SEEDS) $(if $(SEED),SIMULATION_SEED=$(SEED)) SWIFT_BACKTRACE=enable=yes,interactive=no \
		$(SWIFT) test -c release --filter Simulation

protocol:
	$(SWIFT) run KafkaProtocolGenerator $(SCHEMAS)

protocol-check:
	$(SWIFT) run KafkaProtocolGenerator $(SCHEMAS) --check

release:
	$(SWIFT) build -c release

bench:
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --no-progress

clean:
	rm -rf .build .interop
