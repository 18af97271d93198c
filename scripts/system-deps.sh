#!/usr/bin/env bash
# Installs the Debian packages the project needs, and only those missing:
#   run   the CJK font the certificate PDFs are drawn with (fonts-wqy-microhei)
#   test  that font, Chromium for the browser tests, Noto CJK for the pages they screenshot, and
#         poppler-utils, whose pdftotext the certificate tests read PDFs with, and redis-server,
#         which the Redis outage tests start and stop on a port of their own
# Uses sudo when not run as root. Safe to run again: does nothing when all are present.
set -euo pipefail
case "${1:-test}" in
  run) packages=(fonts-wqy-microhei) ;;
  test) packages=(fonts-wqy-microhei chromium fonts-noto-cjk poppler-utils redis-server) ;;
  *) echo "usage: $0 [run|test]" >&2; exit 2 ;;
esac
missing=()
installed() {  # removed packages keep their configuration and still answer `dpkg -s`
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "== Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "Need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
