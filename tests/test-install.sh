#!/bin/sh
# `meson install` into a temporary folder puts the program, the desktop file,
# the icons, the metainfo, the schema, the D-Bus service and the German
# catalogue where they belong, and they validate there.
set -eu
build=$1
prefix=$2
app_id=$3

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT INT TERM

meson install -C "$build" --no-rebuild --destdir "$dest" > "$dest.log" 2>&1 || { cat "$dest.log"; exit 1; }
rm -f "$dest.log"
root="$dest$prefix"
share="$root/share"
fail=0

check () {
  if "$@" > /dev/null 2>&1; then echo "ok: $*"; else echo "FAILED: $*"; "$@" || true; fail=1; fi
}

check test -x "$root/bin/labdata"
check test -x "$root/bin/labdata-cli"
version=$("$root/bin/labdata" --version)
check test "$version" = "labdata $(meson introspect "$build" --projectinfo | sed -n 's/.*"version": "\([^"]*\)".*/\1/p')"
check test -f "$share/applications/$app_id.desktop"
check desktop-file-validate "$share/applications/$app_id.desktop"
check grep -q "^MimeType=application/x-labdata-archive;" "$share/applications/$app_id.desktop"
check grep -q "^Name\[de\]=" "$share/applications/$app_id.desktop"
check test -f "$share/metainfo/$app_id.metainfo.xml"
check appstreamcli validate --no-net "$share/metainfo/$app_id.metainfo.xml"
check test -f "$share/glib-2.0/schemas/com.example.LabData.gschema.xml"
check glib-compile-schemas --strict --dry-run "$share/glib-2.0/schemas"
check test -f "$share/icons/hicolor/scalable/apps/$app_id.svg"
check test -f "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
check xmllint --noout "$share/icons/hicolor/scalable/apps/$app_id.svg"
check xmllint --noout "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
check test -f "$share/dbus-1/services/$app_id.service"
check grep -qx "Exec=$prefix/bin/labdata --gapplication-service" "$share/dbus-1/services/$app_id.service"
check grep -qx "Name=$app_id" "$share/dbus-1/services/$app_id.service"
check test -f "$share/locale/de/LC_MESSAGES/labdata.mo"
check sh -c "msgunfmt '$share/locale/de/LC_MESSAGES/labdata.mo' | grep -q 'Sitzungen'"

exit $fail
