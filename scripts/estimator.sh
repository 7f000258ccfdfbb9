#!/usr/bin/env bash
# The parameter estimator (tools/estimator): measures NEP-481 and NEP-519 gas parameters by
# instruction count (valgrind's callgrind, as nearcore's estimator counts with qemu), compares
# the protocol-88 validation parameters with nearcore's values and prints proposals with
# nearcore's safety margin. Installs valgrind if missing.
# Usage: scripts/estimator.sh [--costs NAME,NAME] [--repeats N] [--metric icount|time] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
exec cargo run --release --locked -p estimator -- "$@"
