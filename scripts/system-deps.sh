#!/usr/bin/env bash
# Install what the tests need from Debian's packages when run as root and missing:
# Chromium (browser tests), PostgreSQL (second database pass), LibreOffice and
# poppler (converting generated Word files; rendering packet pages to compare),
# Redis (the queue test on Redis), qpdf (combines the exhibits of a record packet).
# Otherwise say what is skipped.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: Chromium, PostgreSQL, LibreOffice, poppler, Redis and qpdf are present."
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root, so not installing: ${need[*]}."
  echo "system-deps: tests that need them are skipped with a reason."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no apt-get; missing: ${need[*]} (those tests are skipped)."
  exit 0
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system-deps: done."
