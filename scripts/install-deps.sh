#!/usr/bin/env bash
# Installs the Debian 12 packages Bagel needs to build, test and run.
# Idempotent: packages already present are left alone. Run as root or with sudo available.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # Qt 6: Core, Gui, Widgets, Sql (SQLite driver), Concurrent, Test
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite
  # Qt Charts and Qt SVG: the report's charts, as PNG and SVG (the Charts CMake package also
  # needs OpenGL's, which Debian's qt6-charts-dev does not pull in)
  qt6-charts-dev qt6-svg-dev libqt6opengl6-dev
  # image decoding
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  # storage and logging; a team's projects on a PostgreSQL server (libpq), and the server the
  # tests start for themselves with pg_virtualenv (postgresql-common)
  libsqlite3-dev libspdlog-dev libpq-dev postgresql postgresql-common
  # tests and benchmarks
  libgtest-dev libgmock-dev
  # the fuzz targets (scripts/fuzz.sh): clang with libFuzzer and the sanitizers' runtime
  clang libclang-rt-14-dev
  # the agreement tests' reference implementations (scikit-learn, statsmodels, NLTK)
  python3-sklearn python3-statsmodels python3-nltk
  # optional at run time: WordNet hypernym paths
  wordnet-base
  # the end-to-end test: a headless X server, real key events, screenshots
  xvfb xauth xdotool imagemagick
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
