#!/usr/bin/env sh
# C++ compiler for build scripts (see cc-wrapper.sh).
exec "$(dirname "$0")/cc-wrapper.sh" c++ "$@"
