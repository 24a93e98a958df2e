#!/bin/sh
# Installs what the workbook test (tests/all/workbook_office.rs) needs:
# headless LibreOffice Calc (re-saves and renders workbooks), poppler's
# pdftoppm (PDF to PNG) and Python's openpyxl (fills workbooks with an
# .xlsx writer independent of ours). Debian packages, no recommends.
# Idempotent: installs only what is missing, and skips apt entirely when
# everything is already there.
set -eu

missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
# Debian's package serves Debian's Python; the test tries python3 on PATH first, then /usr/bin/python3.
if ! python3 -c 'import openpyxl' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1; then
    missing="$missing python3-openpyxl"
fi

if [ -z "$missing" ]; then
    echo "office-setup: soffice, pdftoppm and openpyxl already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
else
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# fonts-dejavu-core gives the rendered screenshot real glyphs.
# shellcheck disable=SC2086 # the package list is meant to split
$SUDO apt-get install -y -q --no-install-recommends $missing fonts-dejavu-core
echo "office-setup: installed$missing"
