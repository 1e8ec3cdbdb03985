#!/bin/sh
# The translations compile, are complete, and every source file with
# translatable strings is listed in po/POTFILES.in.
set -eu
top=$1
status=0

for po in "$top"/po/*.po; do
  stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "not ok: $po: $stats"; exit 1; }
  case "$stats" in
    *fuzzy*|*untranslated*) echo "$po is incomplete: $stats"; status=1 ;;
    *) echo "# $po: $stats" ;;
  esac
done

cd "$top"
for file in $(grep -lE '(^|[^_a-zA-Z])(N?_|C_|g_dngettext) ?\(' src/*.c src/store/*.c src/cli/*.c 2>/dev/null) \
            $(grep -l 'translatable="yes"' src/*.ui src/gtk/*.ui 2>/dev/null); do
  if ! grep -qx "$file" po/POTFILES.in; then
    echo "$file has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done

grep -v '^#' po/POTFILES.in | sort -c || { echo "po/POTFILES.in is not sorted"; status=1; }
exit $status
