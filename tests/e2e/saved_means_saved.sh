#!/usr/bin/env bash
# End to end, saved means saved: the real bagel on the demo project under Xvfb records a verdict
# (key 1); another process (bagel-cli info, then bagel-cli review) opens and closes the project;
# the window records two more. Each verdict must be seen by bagel-cli at once, the window must
# never write into a deleted write-ahead log (/proc/PID/fd), and every verdict must be in the
# file after the window quits.
# Usage: saved_means_saved.sh BAGEL BAGEL_CLI OUTDIR   (runs itself under xvfb-run)
set -euo pipefail
bagel=$1 cli=$2 out=$3

if [ -z "${BAGEL_E2E_INNER:-}" ]; then
  export BAGEL_E2E_INNER=1
  exec xvfb-run -a -s "-screen 0 1400x900x24" "$0" "$@"
fi

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf '[review]\nreviewer=e2e\n' > "$work/bagel.ini"
project=$XDG_DATA_HOME/bagel/demo/demo.bagel

reviews() { "$cli" info "$project" --json | sed -n 's/ *"reviews": \([0-9]*\).*/\1/p'; }
# Waits up to 10 s for another process to see $1 reviews.
expect_reviews() {
  local seen
  for _ in $(seq 1 100); do
    seen=$(reviews)
    [ "$seen" = "$1" ] && { echo "bagel-cli sees $seen reviews"; return 0; }
    sleep 0.1
  done
  echo "FAIL: bagel-cli sees $seen reviews, expected $1"
  exit 1
}
deleted_journal() {
  ls -l "/proc/$pid/fd" 2>/dev/null | grep -E 'demo\.bagel-(wal|shm) \(deleted\)' || true
}
expect_no_deleted_journal() {
  local d
  d=$(deleted_journal)
  [ -z "$d" ] || { echo "FAIL: the window writes into a deleted journal ($1):"; echo "$d"; exit 1; }
}

"$bagel" --settings "$work/bagel.ini" &
pid=$!
window=$(timeout 60 xdotool search --sync --name 'demo\.bagel' | head -n 1)
eval "$(xdotool getwindowgeometry --shell "$window")"
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT / 2))
xdotool windowfocus --sync "$window"                      # there is no window manager to do it
sleep 2

# 1. One verdict in the window; another process sees it.
xdotool key 1
expect_reviews 1
# 2. That process (and a writing one) opened and closed the project: the window's journal stays.
expect_no_deleted_journal "after bagel-cli info"
first=$("$cli" info "$project" --json | sed -n 's/ *"items": \([0-9]*\).*/\1/p')
[ -n "$first" ]
item=$("$cli" export "$project" csv "$work/items.csv" >/dev/null && sed -n '3p' "$work/items.csv" | cut -d, -f1)
"$cli" review "$project" --item "$item" --reviewer cli --model demo-vit --verdict unclear >/dev/null
expect_reviews 2
expect_no_deleted_journal "after bagel-cli review"
# 3. Two more verdicts in the window: seen at once, and still there after it quits.
xdotool key --delay 400 1 1
expect_reviews 4
expect_no_deleted_journal "after the window's second and third verdicts"
import -window root "$out/saved_means_saved.png"
xdotool key ctrl+q
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "bagel did not quit on Ctrl+Q"; exit 1; fi
wait "$pid" || { echo "bagel exited with an error"; exit 1; }
pid=
expect_reviews 4
"$cli" check "$project" >/dev/null || { echo "FAIL: bagel-cli check"; "$cli" check "$project"; exit 1; }
echo "every verdict is in the file"
