#!/usr/bin/env bash
# Idempotent setup of a fresh machine of this project's kind: installs only what is missing.
#   - libclang (bindgen generates librocksdb-sys's bindings with it)
#   - the wasm32-unknown-unknown target (test contracts are built from source by the build)
#   - rustfmt and clippy (the CI gates)
#   - ccache (optional for the build; makes the second compile of RocksDB's C++ nearly free)
#   - valgrind (the parameter estimator counts instructions with callgrind; its test runs it)
# Safe to run any number of times; prints one line per prerequisite.
set -euo pipefail

have_libclang() {
    # What clang-sys (bindgen) loads: libclang.so, libclang.so.N or libclang-N.so. Not
    # libclang-cpp, which some images ship alone.
    compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null \
        || compgen -G '/usr/lib/*-linux-gnu/libclang-[0-9]*.so*' >/dev/null \
        || compgen -G '/usr/lib/*-linux-gnu/libclang.so*' >/dev/null
}

apt_updated=""
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if have_libclang; then
    echo "setup: libclang present"
else
    echo "setup: installing libclang-dev (for RocksDB's bindgen)"
    apt_install libclang-dev
fi

if command -v ccache >/dev/null 2>&1; then
    echo "setup: ccache present"
else
    echo "setup: installing ccache (RocksDB's C++ is compiled once for tests and clippy)"
    apt_install ccache
fi

if command -v valgrind >/dev/null 2>&1; then
    echo "setup: valgrind present"
else
    echo "setup: installing valgrind (the parameter estimator counts instructions with callgrind)"
    apt_install valgrind
fi

installed_targets="$(rustup target list --installed)"
if grep -qx 'wasm32-unknown-unknown' <<<"$installed_targets"; then
    echo "setup: wasm32-unknown-unknown target present"
else
    echo "setup: adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi

installed_components="$(rustup component list --installed)"
for component in rustfmt clippy; do
    if grep -q "^${component}" <<<"$installed_components"; then
        echo "setup: ${component} present"
    else
        echo "setup: adding ${component}"
        rustup component add "$component"
    fi
done
