#!/usr/bin/env bash
# Benchmarks `triaged cluster` (release build): grouping accuracy on the labelled sets,
# throughput and peak memory on ~1M HDFS-like lines (one core: the command is single-threaded),
# instructions per line (valgrind, when installed: unlike wall time, not moved by other load
# on the machine), and cluster growth when each labelled set is replayed 500 times.
# Usage: [PROFILE=dist] benches/cluster.sh [DATA_DIR]   (DATA_DIR holds NAME.log + NAME.truth;
# default ../shared/bench/loghub2k; PROFILE: the cargo profile to build, default release)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/bench/loghub2k}
scorer="$(dirname "$data")/score_grouping.py"
profile=${PROFILE:-release}
cargo build --profile "$profile" --quiet
bin=${CARGO_TARGET_DIR:-target}/$profile/triaged
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

echo "== grouping accuracy"
python3 "$scorer" --data "$data" --cmd "$bin cluster"

echo "== throughput (1,000,000 HDFS-like lines, stdin -> stdout; 5 runs, best and median)"
python3 benches/make_hdfs_like.py "$data/HDFS.log" 1000000 > "$work/hdfs1m.log"
python3 - "$bin" "$work/hdfs1m.log" "$work/rss" <<'PY'
# Wall time at sub-millisecond resolution; peak RSS from GNU time (a process forked from this
# Python would report Python's own size as its peak).
import os, statistics, subprocess, sys, time
binary, path, rss_file = sys.argv[1:4]
lines, walls = 1_000_000, []
for run in range(1, 6):
    with open(path, "rb") as stdin, open(os.devnull, "wb") as stdout:
        start = time.perf_counter()
        child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file, binary, "cluster"],
                                 stdin=stdin, stdout=stdout)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    assert status == 0, f"exit status {status}"
    walls.append(wall)
    cpu = usage.ru_utime + usage.ru_stime
    rss_kb = int(open(rss_file).read().split()[-1])
    print(f"run {run}: {lines / wall:,.0f} lines/s, wall {wall:.3f} s, "
          f"cpu {cpu:.3f} s, peak RSS {rss_kb / 1024:.1f} MiB")
best, median = min(walls), statistics.median(walls)
print(f"best {lines / best:,.0f} lines/s ({best:.3f} s), median {lines / median:,.0f} lines/s ({median:.3f} s)")
PY

echo "== instructions (valgrind callgrind, first 100,000 of the same lines, process start included)"
if command -v valgrind > /dev/null; then
  head -n 100000 "$work/hdfs1m.log" > "$work/hdfs100k.log"
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" cluster \
    < "$work/hdfs100k.log" > /dev/null 2> "$work/callgrind"
  refs=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$work/callgrind" | tr -d ,)
  python3 -c "print(f'{$refs:,} instructions, {$refs/100_000:,.0f} per line')"
else
  echo "valgrind not installed (apt-get install valgrind): skipped"
fi

echo "== replay stability (distinct cluster ids: one pass vs 500 passes)"
for f in "$data"/*.log; do
  one=$("$bin" cluster < "$f" | cut -f1 | sort -u | wc -l)
  for _ in $(seq 500); do cat "$f"; done > "$work/replay.log"
  many=$("$bin" cluster < "$work/replay.log" | cut -f1 | sort -u | wc -l)
  python3 -c "print(f'$(basename "$f" .log): {$one} -> {$many} ids, growth x{$many/$one:.3f}')"
done
