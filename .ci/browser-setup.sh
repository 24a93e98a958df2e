#!/bin/sh
# Installs Debian's headless-capable Chromium for the browser test
# (tests/all/browser.rs) when no Chromium is on the machine yet.
# Idempotent: does nothing when one is already installed.
set -eu

for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
        echo "browser-setup: $(command -v "$candidate") already installed"
        exit 0
    fi
done
if [ -x /usr/bin/chromium ]; then
    echo "browser-setup: /usr/bin/chromium already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
else
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# fonts-dejavu-core gives the system font stack real glyphs in screenshots.
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
echo "browser-setup: installed $(command -v chromium)"
