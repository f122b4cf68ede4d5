#!/usr/bin/env bash
# Vigil's set-up, one command for each job (see README):
#   ./setup.sh demo   install everything, then run `vigil demo`
#   ./setup.sh test   install everything, then lint, type-check and run the whole test suite
#                     on SQLite and on PostgreSQL
# Extra arguments after the job go to `vigil demo` or to pytest.
set -euo pipefail
cd "$(dirname "$0")"

job="${1:-}"
[ $# -gt 0 ] && shift
case "$job" in demo|test|install) ;; *)
  echo "usage: ./setup.sh demo|test|install [args...]" >&2; exit 2 ;;
esac

# System packages: ffmpeg records, GStreamer's RTSP server plays the simulated cameras,
# openssl lets the tests check seals the way a third party would; gstreamer1.0-x holds the
# text overlay that burns the clock into the simulated cameras' picture.
APT_PACKAGES=(
  ffmpeg openssl fonts-dejavu-core fonts-noto-cjk python3-gi gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x
)
# The tests also drive a real browser (Debian's Chromium, through Playwright; never a
# downloaded browser) and read the clock burnt into the picture with tesseract.
if [ "$job" = test ]; then APT_PACKAGES+=(chromium tesseract-ocr poppler-utils); fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Vigil needs Python 3.11 or newer (found $("$PYTHON" --version))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
extras=""; [ "$job" = test ] && extras="[dev]"
.venv/bin/pip install -q --disable-pip-version-check -e ".${extras}"

case "$job" in
  install) echo "installed: .venv/bin/vigil" ;;
  demo) exec .venv/bin/vigil demo "$@" ;;
  test)
    .venv/bin/ruff check .
    .venv/bin/ruff format --check --exclude bench .
    .venv/bin/mypy
    # Tests that do not run in real time share the two workers; the slow end-to-end ones
    # (real cameras, recorder, browser), whose timings a busy machine would disturb, run alone.
    # pytest's exit code 5 means "nothing selected" (e.g. a path with no slow test): not a failure.
    run_suite() {
      local rc=0
      VIGIL_TEST_DATABASE="$1" .venv/bin/python -m pytest -m "not slow" -n 2 "${@:2}" || rc=$?
      [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || return "$rc"
      rc=0
      VIGIL_TEST_DATABASE="$1" .venv/bin/python -m pytest -m slow "${@:2}" || rc=$?
      [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || return "$rc"
    }
    echo "== tests on SQLite"
    run_suite sqlite "$@"
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    fi
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
      echo "== tests on PostgreSQL"
      run_suite postgresql "$@"
    elif [ -n "${CI:-}" ]; then
      echo "PostgreSQL is not reachable at 127.0.0.1:5432; CI must test both databases" >&2
      exit 1
    else
      echo "WARNING: PostgreSQL not reachable at 127.0.0.1:5432: tested on SQLite only" >&2
    fi
    ;;
esac
