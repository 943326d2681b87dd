#!/usr/bin/env bash
# Refresh the vendored browser libraries from the npm registry. Versions are pinned here;
# change a version, run this script, and commit the result with its licence.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX_VERSION=2.0.11
dest=commons/static/vendor/htmx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null && tar xzf htmx.org-*.tgz)
mkdir -p "$dest"
cp "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "htmx.org ${HTMX_VERSION}" > "$dest/VERSION"
echo "vendored htmx ${HTMX_VERSION} into $dest"
