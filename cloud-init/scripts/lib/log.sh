# shellcheck shell=bash
# Logging shared by the boot scripts. Not delivered on its own: cloud-init/scripts.ts inlines it
# where a script has the line "# co-include: lib/log.sh", so each delivered script stays one
# self-contained file. The including script sets LOG_TAG and LOG_FILE (and creates its folder)
# before the include.
: "${LOG_TAG:?the including script sets LOG_TAG}" "${LOG_FILE:?the including script sets LOG_FILE}"

# Our own log survives re-runs; stdout also lands in the journal and cloud-init's output log.
# Secrets are never passed to it.
log() {
  local line
  line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') ${LOG_TAG}: $*"
  printf '%s\n' "$line"
  printf '%s\n' "$line" >>"$LOG_FILE"
}

die() {
  log "ERROR: $*"
  exit 1
}

on_error() {
  local rc=$?
  # Line number only: the failing command may hold a secret.
  log "ERROR: command failed (exit ${rc}) at line $1"
}
# set -E (errtrace, in the including script) makes functions inherit this trap.
trap 'on_error "$LINENO"' ERR
