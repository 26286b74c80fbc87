#!/usr/bin/env bash
# Installs what PDF output and the browser tests need, where it is missing: Debian's chromium
# (headless PDF printing and screenshots) and poppler-utils (pdftoppm, pdfinfo). Idempotent: a
# machine that has both is left alone. Needs root (or sudo) for apt-get.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
command -v chromium >/dev/null && command -v pdftoppm >/dev/null
