#!/bin/bash
# Double-click in Finder to install remanxl and its Excel add-in (macOS).
# Needs Python 3.11 or newer (python.org installer or Homebrew).
cd "$(dirname "$0")" || exit 1
for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1; then
        "$py" install.py "$@"
        status=$?
        echo
        read -r -p "Press Enter to close this window. " _
        exit $status
    fi
done
echo "Python 3.11 or newer is needed: install it from https://www.python.org/downloads/ and double-click again."
read -r -p "Press Enter to close this window. " _
exit 1
