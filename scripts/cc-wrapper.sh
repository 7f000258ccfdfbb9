#!/usr/bin/env sh
# The C/C++ compiler the build uses (set in .cargo/config.toml): the system compiler, through
# ccache when it is installed. RocksDB's C++ sources are compiled once for `cargo test` and
# again for `cargo clippy` (check builds run build scripts apart); ccache makes the second time
# nearly free. Called as `cc-wrapper.sh cc ARGS…` or `cc-wrapper.sh c++ ARGS…`.
compiler="$1"
shift
if command -v ccache >/dev/null 2>&1; then
    exec ccache "$compiler" "$@"
fi
exec "$compiler" "$@"
