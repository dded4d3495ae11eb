#!/bin/sh
# Rebuilds the .wasm test programs from their C sources with Debian's clang
# and wasi-libc:
#   apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
# The .wasm files are committed, so the tests do not need clang.
set -eu
cd "$(dirname "$0")"
for src in *.c; do
    # The simd_ programs use wasm SIMD intrinsics.
    case "$src" in simd_*) simd=-msimd128 ;; *) simd= ;; esac
    clang --target=wasm32-wasi -O2 -Wall -Wextra $simd "$src" -o "${src%.c}.wasm" -Wl,--strip-debug
    echo "built ${src%.c}.wasm"
done
