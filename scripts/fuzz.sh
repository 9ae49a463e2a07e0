#!/usr/bin/env bash
# Builds the libFuzzer targets (cmake --preset fuzz: clang, ASan + UBSan) and runs each for
# SECONDS (default 60), seeded from fuzz/seeds/ and tests/data. A crash, a sanitizer report,
# a timeout or a leak stops the run: the input is kept under build/fuzz/findings/, and it
# belongs in fuzz/regressions/<target>/ once the bug is fixed (ctest then replays it forever).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
data=tests/data

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=build/fuzz/work
rm -rf "$work"
mkdir -p "$work" build/fuzz/findings

# Seeds: the repository's own, plus the real files of the test data.
seed() { # target file...
  local target="$1"; shift
  mkdir -p "$work/$target"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$work/$target/" || true; done
}
for dir in fuzz/seeds/*/; do seed "$(basename "$dir")" "$dir"*; done
seed tfds "$data/formats/tfds_multilabel_human_accuracy_sample.json"
head -c 20000 "$data/formats/real.json" > "$work/real/real-head.json"
seed paper "$data/paper/vit3b_mistakes.json" "$data/paper/greedy_soups_mistakes.json"
head -n 200 "$data/imagenet/val_labels.tsv" > "$work/labels/val_labels-head.tsv"
for photo in "$data"/photos/*; do
  case "$photo" in *.tsv) ;; *) [ "$(stat -c %s "$photo")" -lt 65536 ] && cp "$photo" "$work/image/" ;; esac
done

# Scratch projects in memory when there is /dev/shm: the inputs run several times faster.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

status=0
for target in tfds real paper predictions-csv predictions-jsonl predictions-npy reviews labels image; do
  id="${target//-/_}"
  corpus="$work/$target"
  mkdir -p "$corpus"
  echo "== fuzz_$id: ${seconds} s on $(ls "$corpus" | wc -l) seeds"
  if ! QT_QPA_PLATFORM=offscreen "build/fuzz/bin/fuzz_$id" "$corpus" \
       -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="build/fuzz/findings/$target-" -print_final_stats=1 2>"build/fuzz/$target.log"; then
    echo "fuzz_$id FOUND A PROBLEM; input: $(ls -t build/fuzz/findings/$target-* 2>/dev/null | head -n 1)"
    tail -n 40 "build/fuzz/$target.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$target.log" | tr '\n' ' '; echo
  fi
done
exit $status
