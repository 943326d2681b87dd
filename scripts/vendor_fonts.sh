#!/usr/bin/env bash
# Refresh the vendored web fonts from the npm registry (Fontsource's packages of Google's
# Noto fonts). Only each script's own subset file is kept, regular and bold; the unicode-range
# rules in commons/static/css/fonts.css must match the subsets. Change the version, run this
# script, run commons/core/tests/test_fonts.py, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
FONTSOURCE_VERSION=5.3.0
SCRIPTS="thai khmer myanmar arabic"
# Fontsource's Arabic and Myanmar subsets also cover other languages' letters (Urdu and
# African supplements, presentation forms, Shan, Mon); the interface needs the script's
# main blocks only, and these cuts halve the Arabic file and shrink the Burmese by a
# quarter. Text in other letters falls back to the reader's system fonts.
declare -A SUBSET=(
  [arabic]="U+0600-06FF,U+0750-077F,U+200C-200F,U+25CC"
  [myanmar]="U+1000-109F,U+200C-200D,U+25CC"
)
dest=commons/static/vendor/fonts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"
rm -f "$dest"/*.woff2
{
  echo "Copyright notices of the fonts in this folder:"
  echo
} > "$tmp/OFL.txt"
for script in $SCRIPTS; do
  package="@fontsource/noto-sans-${script}@${FONTSOURCE_VERSION}"
  mkdir "$tmp/$script"
  (cd "$tmp/$script" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz)
  for weight in 400 700; do
    file="noto-sans-${script}-${script}-${weight}-normal.woff2"
    if [ -n "${SUBSET[$script]:-}" ]; then
      .venv/bin/pyftsubset "$tmp/$script/package/files/$file" --unicodes="${SUBSET[$script]}" \
        --layout-features='*' --flavor=woff2 --output-file="$dest/$file"
    else
      cp "$tmp/$script/package/files/$file" "$dest/"
    fi
  done
  head -n 1 "$tmp/$script/package/LICENSE" >> "$tmp/OFL.txt"
  echo "- \`noto-sans-${script}-${script}-{400,700}-normal.woff2\`: npm package \`${package}\`" >> "$tmp/packages"
done
# The licence text after each package's copyright line is the same SIL OFL 1.1.
echo >> "$tmp/OFL.txt"
tail -n +2 "$tmp/thai/package/LICENSE" >> "$tmp/OFL.txt"
cp "$tmp/OFL.txt" "$dest/OFL.txt"
{
  echo "# Vendored web fonts"
  echo
  echo "Google's Noto Sans fonts for the scripts that system fonts often lack, as packaged by"
  echo "Fontsource on the npm registry. Only each script's own subset (no Latin), regular (400)"
  echo "and bold (700); the Arabic and Myanmar files cut further to the script's main blocks"
  echo "(see SUBSET in the script). Licence: SIL Open Font License 1.1, see OFL.txt. Refreshed by"
  echo "\`scripts/vendor_fonts.sh\`; used by \`commons/static/css/fonts.css\`."
  echo
  cat "$tmp/packages"
} > "$dest/README.md"
echo "vendored $(wc -l < "$tmp/packages") font packages into $dest"
