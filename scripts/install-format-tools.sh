#!/usr/bin/env bash
# Installs the real consumers the output-format and completion tests run when they are present:
#   - junitparser (PyPI), a JUnit XML reader, and xmllint (Debian libxml2-utils) for the JUnit XSD;
#   - zsh and fish (Debian) to syntax-check the generated completions (bash is always there);
#   - the SARIF multitool (npm @microsoft/sarif-multitool), Microsoft's SARIF validator.
# Without them those tests print what they skipped; with them they fail on any complaint.
#
# Usage: scripts/install-format-tools.sh
set -euo pipefail

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'junitparser>=3,<5' 'jsonschema>=4,<5'

if command -v apt-get >/dev/null; then
  missing=()
  command -v xmllint >/dev/null || missing+=(libxml2-utils)
  command -v zsh >/dev/null || missing+=(zsh)
  command -v fish >/dev/null || missing+=(fish)
  if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

if command -v npm >/dev/null; then
  prefix="${XDG_CACHE_HOME:-$HOME/.cache}/daemonset/npm"
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" @microsoft/sarif-multitool@4 >/dev/null
fi
