#!/usr/bin/env bash
# End to end: start the real bagel on a fresh demo project under Xvfb, record verdicts with real
# key events, quit, and check the project file with bagel-cli. Leaves a screenshot behind.
# Usage: review_session.sh BAGEL BAGEL_CLI OUTDIR   (runs itself under xvfb-run)
set -euo pipefail
bagel=$1 cli=$2 out=$3

if [ -z "${BAGEL_E2E_INNER:-}" ]; then
  export BAGEL_E2E_INNER=1
  exec xvfb-run -a -s "-screen 0 1400x900x24" "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf '[review]\nreviewer=e2e\n' > "$work/bagel.ini"

"$bagel" --settings "$work/bagel.ini" &
pid=$!
window=$(timeout 60 xdotool search --sync --name 'demo\.bagel' | head -n 1)
eval "$(xdotool getwindowgeometry --shell "$window")"
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT / 2))
xdotool windowfocus --sync "$window"                      # there is no window manager to do it
sleep 2
xdotool key --delay 300 1 f m 2 3 4                       # correct; fine-grained major wrong; unclear; problematic
sleep 2
import -window root "$out/review_session.png"
xdotool key ctrl+q
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "bagel did not quit on Ctrl+Q"; kill "$pid"; exit 1; fi
wait "$pid"

project=$XDG_DATA_HOME/bagel/demo/demo.bagel
reviews=$("$cli" info "$project" --json | sed -n 's/ *"reviews": \([0-9]*\).*/\1/p')
echo "reviews recorded: $reviews"
[ "$reviews" = 4 ] || { echo "expected 4 reviews"; exit 1; }
deviation=$(identify -format '%[fx:standard_deviation]' "$out/review_session.png")
echo "screenshot standard deviation: $deviation"
awk -v d="$deviation" 'BEGIN { exit !(d > 0.05) }' || { echo "the screenshot is blank"; exit 1; }
