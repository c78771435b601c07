#!/usr/bin/env bash
# Times a cold build from an empty target directory (the crates already downloaded), for the
# README's command (`cargo build --release`, default features: what `cargo run --release --
# demo` compiles) and for what the Dockerfile builds (`--no-default-features --profile dist`).
# Usage: benches/cold-build.sh [release|dist ...]   (default: both, one after the other)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fetch --locked --quiet
for profile in "${@:-release dist}"; do
  for p in $profile; do
    target=$(mktemp -d)
    case $p in
      release) args=(--release --locked) ;;
      dist) args=(--no-default-features --profile dist --locked) ;;
      *) echo "unknown profile $p" >&2; exit 2 ;;
    esac
    start=$(date +%s)
    CARGO_TARGET_DIR="$target" cargo build "${args[@]}" --quiet
    end=$(date +%s)
    bin=$(find "$target" -maxdepth 2 -name triaged -type f | head -n1)
    echo "$p: cold build $((end - start)) s on $(nproc) cores; binary $(du -h "$bin" | cut -f1)"
    rm -rf "$target"
  done
done
