#!/usr/bin/env bash
# Installs the real consumers the output-format and completion tests run when they are present:
#   - junitparser (PyPI), a JUnit XML reader, and xmllint (Debian libxml2-utils) for the JUnit XSD;
#   - jsonschema (PyPI) to validate SARIF against the official schema, and sarif-tools (PyPI) to read it back;
#   - zsh and fish (Debian) to syntax-check the generated completions (bash is always there).
# Without them those tests print what they skipped, unless DAEMONSET_REQUIRE_TOOLS is set (scripts/test.sh sets it
# after running this script): then a missing tool fails the test. With them they fail on any complaint.
# Microsoft's SARIF multitool (npm @microsoft/sarif-multitool) is not installed: versions 4.6.5 and 4.5.4 crash
# here before reading a file, 2.4.16 needs OpenSSL 1.x (see the README).
#
# Usage: scripts/install-format-tools.sh
set -euo pipefail

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'junitparser>=3,<5' 'jsonschema>=4,<5' 'sarif-tools>=3,<4'
# pyenv puts the new `sarif` command on PATH only after a rehash (`python3 -m pip` does not trigger it).
if command -v pyenv >/dev/null; then pyenv rehash; fi

if command -v apt-get >/dev/null; then
  missing=()
  command -v xmllint >/dev/null || missing+=(libxml2-utils)
  command -v zsh >/dev/null || missing+=(zsh)
  command -v fish >/dev/null || missing+=(fish)
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi
