#!/usr/bin/env bash
# Installs the Debian packages the project needs: Chromium (browser tests), CJK fonts
# (certificate PDFs use WenQuanYi Micro Hei) and poppler-utils (PDF checks in the tests)
# Safe to run again; does nothing when all are present.
set -euo pipefail
packages=(chromium fonts-noto-cjk fonts-wqy-microhei poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
