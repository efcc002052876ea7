#!/usr/bin/env bash
# Runs every test: installs the Debian packages the tests use when they are missing, then `dotnet test`.
# Needs root (or sudo) only when a package is missing. Arguments are passed on to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

# - prometheus-alertmanager: the real Alertmanager posts alerts to Argus's webhook integration;
# - python3-aiosmtpd: a real SMTP server (started by the tests with /usr/bin/python3) for e-mail delivery;
# - chromium: the browser the console's end-to-end tests drive through Playwright (its fonts come with it); Playwright's
#   own browser download is never used.
APT_PACKAGES=(prometheus-alertmanager python3-aiosmtpd chromium)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing the Debian packages the tests use: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet test "$@"
