#!/usr/bin/env bash
# Benchmarks `triaged cluster` (release build): grouping accuracy on the labelled sets,
# throughput and peak memory on ~1M HDFS-like lines (one core: the command is single-threaded),
# and cluster growth when each labelled set is replayed 500 times.
# Usage: bench/cluster.sh [DATA_DIR]   (DATA_DIR holds NAME.log + NAME.truth; default ../shared/bench/loghub2k)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/bench/loghub2k}
scorer="$(dirname "$data")/score_grouping.py"
cargo build --release --quiet
bin=target/release/triaged
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

echo "== grouping accuracy"
python3 "$scorer" --data "$data" --cmd "$bin cluster"

echo "== throughput (1,000,000 HDFS-like lines, stdin -> stdout)"
python3 bench/make_hdfs_like.py "$data/HDFS.log" 1000000 > "$work/hdfs1m.log"
for run in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" cluster < "$work/hdfs1m.log" > /dev/null
  read -r secs rss_kb < "$work/time"
  python3 -c "print(f'run $run: {1_000_000/max($secs,1e-9):,.0f} lines/s, {$secs} s, peak RSS {$rss_kb/1024:.1f} MiB')"
done

echo "== replay stability (distinct cluster ids: one pass vs 500 passes)"
for f in "$data"/*.log; do
  one=$("$bin" cluster < "$f" | cut -f1 | sort -u | wc -l)
  for _ in $(seq 500); do cat "$f"; done > "$work/replay.log"
  many=$("$bin" cluster < "$work/replay.log" | cut -f1 | sort -u | wc -l)
  python3 -c "print(f'$(basename "$f" .log): {$one} -> {$many} ids, growth x{$many/$one:.3f}')"
done
