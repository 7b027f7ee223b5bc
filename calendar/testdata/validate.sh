#!/usr/bin/env bash
# Validate the golden .ics files of the calendar package with the independent
# validators of ../shared/tools/ical (INTEROP.md §4.1). Run from anywhere, e.g.
# from the repo root: calendar/testdata/validate.sh. Needs install.sh first.
#
# iTIP messages (files with a METHOD) go through validate_all.sh. Feeds (no
# METHOD) skip the Radicale step, which refuses several UIDs in one object by
# design, and get the other three validators. ical.js warnings (lines over 75
# octets, no CRLF) count as failures: our folding must never leave one.
# Exit status: 0 if every file passes, 1 otherwise.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=${ICAL_TOOLS:-$(cd "$HERE/../../../shared/tools/ical" && pwd)}
ICALJS_DIR=${ICALJS_DIR:-/tmp/icaljs}
export ICALJS_DIR

itip=() feeds=()
for f in "$HERE"/*.ics; do
  if grep -q '^METHOD:' "$f"; then itip+=("$f"); else feeds+=("$f"); fi
done
out=$(mktemp); trap 'rm -f "$out"' EXIT
(
  rc=0
  if ((${#itip[@]})); then
    echo "=== iTIP messages: all four validators"
    bash "$TOOLS/validate_all.sh" "${itip[@]}" || rc=1
  fi
  if ((${#feeds[@]})); then
    echo "=== feeds: ical.js, libical, python (Radicale skipped: one UID per CalDAV object)"
    echo "== ical.js (Thunderbird's parser)"
    (cd "$ICALJS_DIR" && node "$TOOLS/icaljs_validate.mjs" "${feeds[@]}") || rc=1
    echo "== libical"
    /usr/bin/python3 "$TOOLS/libical_validate.py" "${feeds[@]}" || rc=1
    echo "== python3-icalendar + python3-vobject"
    /usr/bin/python3 "$TOOLS/py_validate.py" "${feeds[@]}" || rc=1
  fi
  exit $rc
) 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
if grep -Eq '(: |; )warning: ' "$out"; then
  echo "FAIL: validator warnings above"; rc=1
fi
exit $rc
