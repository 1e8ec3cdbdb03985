#!/bin/sh
# The real labdata on its own session bus (run under dbus-run-session): a
# second `labdata FILE` hands the file to the running instance (GApplication
# Open over D-Bus), which shows its import preview; the stateful action
# app.import-preview-file says which file the preview shows.
#
#   archive-open-dbus.sh LABDATA DATA_DIR FILE
set -eu
labdata=$1
dir=$2
file=$3

"$labdata" --data-dir "$dir" > /dev/null &
pid=$!
trap 'kill $pid 2> /dev/null || true' EXIT

call () {
  gdbus call --session --dest com.example.LabData --object-path /com/example/LabData \
    --method "$@"
}

# Polls for at most a minute: a slow start under ASan is not a failure.
wait_for () {
  i=0
  until "$@" > /dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 600 ]; then
      echo "gave up waiting for: $*" >&2
      exit 1
    fi
    sleep 0.1
  done
}

on_bus () {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner com.example.LabData | grep -q true
}

previewing () {
  call org.gtk.Actions.Describe import-preview-file | grep -qF "'$file'"
}

wait_for on_bus
if previewing; then
  echo "the preview shows before the file was opened" >&2
  exit 1
fi

# The second instance forwards the file and ends at once.
"$labdata" --data-dir "$dir" "$file"
kill -0 $pid

wait_for previewing
echo "the running instance shows the preview of $file"

call org.gtk.Actions.Activate quit '[]' '{}' > /dev/null
wait $pid
trap - EXIT
