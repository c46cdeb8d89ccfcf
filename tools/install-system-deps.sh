#!/bin/sh
# Install the Debian packages the test suite needs: Chromium (browser tests) and a Java
# runtime (the Nu Html Checker, vnu.jar). Idempotent: installs only what is missing, and
# only as root; otherwise it says what is missing and leaves the machine alone.
set -eu

missing=""
if [ ! -x /usr/bin/chromium ]; then
    missing="$missing chromium"
fi
if ! command -v java >/dev/null 2>&1; then
    missing="$missing default-jre-headless"
fi

if [ -z "$missing" ]; then
    echo "system-deps: chromium and java are present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing Debian packages:$missing" >&2
    echo "system-deps: install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 0
fi

echo "system-deps: installing$missing"
apt-get update
# shellcheck disable=SC2086  # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
