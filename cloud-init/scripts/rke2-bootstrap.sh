#!/usr/bin/env bash
# Installs RKE2 and brings this node into its cluster (creating the cluster on the designated
# bootstrap server), then, in Rancher "import" mode, hands the cluster's registration manifest to
# RKE2. Delivered by cloud-init as /usr/local/sbin/co-bootstrap.sh; co-prepare-node.sh execs it at
# its end with node.env's variables exported.
#
# All VMs boot in parallel, so the cluster's ordering lives here (DESIGN.md §6): only the bootstrap
# server may initialise, and only when nothing answers at the registration address (a re-created
# bootstrap node must join the surviving cluster, never start a second one); the other servers join
# one at a time (etcd rejects several learners at once); agents wait for the registration address.
#
# Testability: every absolute path the script reads or writes is prefixed with CO_ROOT (empty on a
# real node), and system commands are resolved through PATH, so a test can run it in a temp dir
# with stubbed commands.
set -Eeuo pipefail

CO_ROOT="${CO_ROOT:-}"
ENV_FILE="${CO_ROOT}/etc/cluster-orchestrator/node.env"
LOG_DIR="${CO_ROOT}/var/log/cluster-orchestrator"
LOG_FILE="${LOG_DIR}/bootstrap.log"
STATE_DIR="${CO_ROOT}/var/lib/cluster-orchestrator"
MARKER="${STATE_DIR}/bootstrapped"
DECISION_FILE="${STATE_DIR}/cluster-decision"
RKE2_BIN="${CO_ROOT}/usr/local/bin/rke2"
RKE2_CONFIG="${CO_ROOT}/etc/rancher/rke2/config.yaml"
RKE2_KUBECONFIG="${CO_ROOT}/etc/rancher/rke2/rke2.yaml"
MANIFESTS_DIR="${CO_ROOT}/var/lib/rancher/rke2/server/manifests"
IMPORT_MANIFEST="${MANIFESTS_DIR}/rancher-import.yaml"
# RKE2's supervisor (join) port; /ping answers "pong" without authentication once a server is up.
SUPERVISOR_PORT=9345

# Everything this script creates (temp files, the import manifest, state) is for root only: the
# registration manifest and config.yaml carry credentials.
umask 077
mkdir -p "$LOG_DIR" "$STATE_DIR"

# Our own log survives re-runs; stdout also lands in /var/log/cloud-init-output.log. Secrets (the
# manifest URL, the custom node command) are never passed to it.
log() {
  local line
  line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') bootstrap: $*"
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
# set -E (errtrace, at the top) makes functions inherit this trap.
trap 'on_error "$LINENO"' ERR

# Temporary files live under STATE_DIR, not /tmp: /tmp is a size-limited tmpfs on Debian 13 and
# the air-gap image tarball is close to a gigabyte. The partial import manifest lives next to its
# final name so the move is atomic (same filesystem).
WORK_DIR=""
PARTIAL_MANIFEST=""
cleanup() {
  if [[ -n "$WORK_DIR" ]]; then rm -rf "$WORK_DIR"; fi
  if [[ -n "$PARTIAL_MANIFEST" ]]; then rm -f "$PARTIAL_MANIFEST"; fi
}
trap cleanup EXIT

# Normally the environment comes from co-prepare-node.sh. When an operator re-runs this script by
# hand, it is empty: load node.env (rendered with shell-quoted values) the same way.
if [[ -z "${CO_NODE_ROLE:-}" && -f "$ENV_FILE" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$ENV_FILE"
  set +a
  log "loaded ${ENV_FILE}"
fi

# --- Inputs --------------------------------------------------------------------------------------
ROLE="${CO_NODE_ROLE:-}"
IS_BOOTSTRAP=false
if [[ "${CO_BOOTSTRAP:-}" == true ]]; then IS_BOOTSTRAP=true; fi
REGISTRATION_ADDRESS="${CO_REGISTRATION_ADDRESS:-}"
PREVIOUS_SERVER="${CO_PREVIOUS_SERVER:-}"
INSTALL_URL="${CO_RKE2_INSTALL_URL:-https://get.rke2.io}"
ARTIFACT_URL="${CO_RKE2_ARTIFACT_URL:-}"
RANCHER_MODE="${CO_RANCHER_MODE:-none}"
WAIT_TIMEOUT="${CO_WAIT_TIMEOUT:-3600}"
POLL_INTERVAL="${CO_POLL_INTERVAL:-10}"

case "$ROLE" in
  server | agent) ;;
  *) die "CO_NODE_ROLE must be server or agent, got '${ROLE}'" ;;
esac
case "$RANCHER_MODE" in
  import | custom | none) ;;
  *) die "CO_RANCHER_MODE must be import, custom or none, got '${RANCHER_MODE}'" ;;
esac
[[ "$WAIT_TIMEOUT" =~ ^[0-9]+$ ]] || die "CO_WAIT_TIMEOUT must be a whole number of seconds, got '${WAIT_TIMEOUT}'"
[[ "$POLL_INTERVAL" =~ ^[0-9]+$ ]] || die "CO_POLL_INTERVAL must be a whole number of seconds, got '${POLL_INTERVAL}'"
if [[ "$IS_BOOTSTRAP" == true && "$ROLE" != server ]]; then
  die "CO_BOOTSTRAP=true is only valid on a server"
fi
# In custom mode Rancher's system agent does the joining, so no address is needed.
if [[ "$RANCHER_MODE" != custom && -z "$REGISTRATION_ADDRESS" ]]; then
  die "CO_REGISTRATION_ADDRESS is not set"
fi

SERVICE="rke2-${ROLE}.service"

# --- Helpers -------------------------------------------------------------------------------------

# https://<address>:9345, with an IPv6 literal bracketed as URLs require.
supervisor_url() {
  local host="$1"
  if [[ "$host" == *:* && "$host" != \[* ]]; then host="[${host}]"; fi
  printf 'https://%s:%s' "$host" "$SUPERVISOR_PORT"
}

# True when an RKE2 server's supervisor answers at the address. -k: an unauthenticated liveness
# probe that sends nothing secret (the cluster CA is not on this node yet). curl's own complaints
# (connection refused, every poll for minutes) are dropped; the waits log progress themselves.
answers_pong() {
  local reply
  reply="$(curl -fsSk --max-time 5 "$(supervisor_url "$1")/ping" 2>/dev/null)" || return 1
  [[ "$reply" == pong ]]
}

# Runs "$@" every POLL_INTERVAL seconds until it succeeds; fails once WAIT_TIMEOUT seconds have
# passed (elapsed wall time, so slow probes count too). Note: "$@" runs as a condition, where
# set -e is off, so the commands given here must report failure through their exit status.
retry_until_timeout() {
  local what="$1" start=$SECONDS last_report=$SECONDS failures=0
  shift
  until "$@"; do
    failures=$((failures + 1))
    if ((SECONDS - start >= WAIT_TIMEOUT)); then
      die "timed out after ${WAIT_TIMEOUT}s waiting for ${what} (${failures} failed attempts)"
    fi
    # A progress line a minute rather than one per poll: a wait can last an hour.
    if ((SECONDS - last_report >= 60)); then
      log "still waiting for ${what} ($((SECONDS - start))s elapsed)"
      last_report=$SECONDS
    fi
    sleep "$POLL_INTERVAL"
  done
  log "${what}: ready (after ${failures} failed attempts)"
}

wait_for_supervisor() {
  local address="$1" what="$2"
  log "waiting for ${what} at $(supervisor_url "$address")/ping (timeout ${WAIT_TIMEOUT}s)"
  retry_until_timeout "${what} at $(supervisor_url "$address")" answers_pong "$address"
}

# Writes the bootstrapped marker: later runs only make sure the service is enabled and started.
finish() {
  date -u '+%Y-%m-%dT%H:%M:%SZ' >"$MARKER"
  log "bootstrap complete"
}

# --- a. Idempotency ------------------------------------------------------------------------------
if [[ -e "$MARKER" ]]; then
  if [[ "$RANCHER_MODE" == custom ]]; then
    log "already bootstrapped (${MARKER} exists); custom mode: Rancher's system agent manages RKE2"
  else
    log "already bootstrapped (${MARKER} exists); making sure ${SERVICE} is enabled and running"
    systemctl enable --now "$SERVICE"
  fi
  exit 0
fi

log "starting: role=${ROLE} bootstrap=${IS_BOOTSTRAP} rancher-mode=${RANCHER_MODE} rke2=${CO_RKE2_VERSION:-}"
WORK_DIR="$(mktemp -d "${STATE_DIR}/work.XXXXXX")"
RANCHER_CA="${WORK_DIR}/rancher-ca.pem"

# --- Custom mode: Rancher's system agent installs and joins RKE2 --------------------------------
if [[ "$RANCHER_MODE" == custom ]]; then
  [[ -n "${CO_RANCHER_NODE_COMMAND:-}" ]] || die "CO_RANCHER_NODE_COMMAND is not set (custom mode)"
  # The command carries the registration token: run it, never echo it.
  log "running Rancher's node registration command (custom mode: Rancher installs RKE2)"
  sh -c "$CO_RANCHER_NODE_COMMAND"
  finish
  exit 0
fi

# --- b. Install RKE2 at the pinned version ------------------------------------------------------
install_rke2() {
  if [[ -e "$RKE2_BIN" ]]; then
    # A re-run after a later step failed: the installer already ran.
    log "RKE2 already installed (${RKE2_BIN}), skipping the installer"
    return 0
  fi
  [[ -n "${CO_RKE2_VERSION:-}" ]] || die "CO_RKE2_VERSION is not set"

  local installer="${WORK_DIR}/install.sh" artifacts="" base name
  log "downloading the RKE2 installer from ${INSTALL_URL}"
  curl -fsSL --retry 5 "$INSTALL_URL" -o "$installer"

  if [[ -n "$ARTIFACT_URL" ]]; then
    # Locked-down egress: fetch the release from the mirror; the installer then verifies the
    # tarball (and the image tarball, when present) against sha256sum-amd64.txt.
    artifacts="${WORK_DIR}/artifacts"
    base="${ARTIFACT_URL%/}"
    mkdir -p "$artifacts"
    for name in rke2.linux-amd64.tar.gz sha256sum-amd64.txt; do
      log "downloading ${name} from the artifact mirror ${base}"
      curl -fsSL --retry 5 "${base}/${name}" -o "${artifacts}/${name}"
    done
    name=rke2-images.linux-amd64.tar.zst
    if curl -fsSL --retry 5 "${base}/${name}" -o "${artifacts}/${name}"; then
      log "downloaded ${name} from the artifact mirror"
    else
      # Optional: without it, images come from the (private) registry. A partial file would fail
      # the installer's checksum, so none is left behind.
      rm -f "${artifacts:?}/${name}"
      log "no ${name} on the artifact mirror; images will be pulled from the registry"
    fi
  fi

  log "running the RKE2 installer (version ${CO_RKE2_VERSION}, type ${ROLE}${artifacts:+, artifacts from the mirror})"
  # A subshell so the exports stay local; its status is the installer's.
  if ! (
    # The installer has no business with Rancher's credentials.
    unset CO_RANCHER_MANIFEST_URL CO_RANCHER_NODE_COMMAND
    export INSTALL_RKE2_VERSION="$CO_RKE2_VERSION" INSTALL_RKE2_TYPE="$ROLE"
    # The installer stages the tarballs in its own mktemp dir: keep that off the /tmp tmpfs too.
    export TMPDIR="$WORK_DIR"
    if [[ -n "$artifacts" ]]; then export INSTALL_RKE2_ARTIFACT_PATH="$artifacts"; fi
    sh "$installer"
  ); then
    die "the RKE2 installer failed (its output is above)"
  fi
  # The installer falls back to /opt/rke2 when /usr/local is read-only or a mount point; the service
  # still works then, but re-runs will not detect the installation and will run the installer again.
  if [[ ! -e "$RKE2_BIN" ]]; then
    log "WARNING: the installer finished but ${RKE2_BIN} does not exist"
  fi
}
install_rke2

# --- c. Init, join, or wait -----------------------------------------------------------------------

# Appends the registration address as `server:` to config.yaml (written by cloud-init, 0600, with
# the join token and no server line on the bootstrap node). Appending keeps the file's mode; the
# chmod re-asserts 0600 anyway, as the file holds the token.
add_server_line() {
  local url
  url="$(supervisor_url "$REGISTRATION_ADDRESS")"
  [[ -f "$RKE2_CONFIG" ]] || die "${RKE2_CONFIG} is missing: it holds the join token, cannot join"
  if grep -Eq '^server:' "$RKE2_CONFIG"; then
    log "${RKE2_CONFIG} already has a server: line, leaving it"
    return 0
  fi
  # Do not glue our line onto a last line that lacks its newline.
  if [[ -s "$RKE2_CONFIG" && -n "$(tail -c 1 "$RKE2_CONFIG")" ]]; then
    printf '\n' >>"$RKE2_CONFIG"
  fi
  printf 'server: %s\n' "$url" >>"$RKE2_CONFIG"
  chmod 0600 "$RKE2_CONFIG"
  log "added 'server: ${url}' to ${RKE2_CONFIG}"
}

# The bootstrap server initialises only if nothing answers at the registration address. The
# decision is recorded, so a re-run after a failure (when this node's own RKE2 may be the one
# answering) does not flip it.
bootstrap_server_decision() {
  local decision="" try
  if [[ -f "$DECISION_FILE" ]]; then
    decision="$(<"$DECISION_FILE")"
    log "reusing the decision of an earlier run: ${decision}"
  else
    log "probing $(supervisor_url "$REGISTRATION_ADDRESS")/ping for an existing cluster (3 tries)"
    for try in 1 2 3; do
      if answers_pong "$REGISTRATION_ADDRESS"; then
        decision="join"
        break
      fi
      if ((try < 3)); then sleep "$POLL_INTERVAL"; fi
    done
    decision="${decision:-init}"
    printf '%s\n' "$decision" >"$DECISION_FILE"
  fi

  case "$decision" in
    join)
      log "JOINING: a cluster already answers at $(supervisor_url "$REGISTRATION_ADDRESS") (this bootstrap node was re-created); it will not start a second cluster"
      add_server_line
      ;;
    init)
      log "INITIALISING a new cluster: nothing answers at $(supervisor_url "$REGISTRATION_ADDRESS")"
      ;;
    *) die "unexpected decision '${decision}' in ${DECISION_FILE}" ;;
  esac
}

if [[ "$ROLE" == server && "$IS_BOOTSTRAP" == true ]]; then
  bootstrap_server_decision
elif [[ "$ROLE" == server ]]; then
  # Servers join one at a time: server k starts once server k-1 answers.
  if [[ -n "$PREVIOUS_SERVER" ]]; then
    wait_for_supervisor "$PREVIOUS_SERVER" "the previous server"
  fi
  wait_for_supervisor "$REGISTRATION_ADDRESS" "the registration address"
  log "JOINING the cluster at $(supervisor_url "$REGISTRATION_ADDRESS")"
else
  # rke2-agent retries by itself too; waiting keeps its log free of a long run of join errors.
  wait_for_supervisor "$REGISTRATION_ADDRESS" "the registration address"
  log "JOINING the cluster at $(supervisor_url "$REGISTRATION_ADDRESS") as an agent"
fi

# --- d. Start RKE2 ----------------------------------------------------------------------------------
log "enabling and starting ${SERVICE}"
systemctl enable --now "$SERVICE"

# --- e. Rancher import: the bootstrap server hands the registration manifest to RKE2 -------------

# Fetches Rancher's CA from https://<rancher host>/cacerts into RANCHER_CA and checks it against
# the expected sha256. The fetch itself is -k: the CA is not trusted yet,
# it is authenticated by its checksum instead (as Rancher's own agent installer does). A mismatch
# is fatal; there is no fallback to an unverified download.
fetch_rancher_ca() {
  local rest host expected actual
  rest="${CO_RANCHER_MANIFEST_URL#https://}"
  [[ "$rest" != "$CO_RANCHER_MANIFEST_URL" ]] || die "the registration manifest URL must start with https://"
  host="${rest%%/*}"
  host="${host##*@}"
  expected="${CO_RANCHER_CA_CHECKSUM,,}"
  log "fetching Rancher's CA from https://${host}/cacerts"
  retry_until_timeout "Rancher's CA (https://${host}/cacerts)" \
    curl -fsSk --max-time 30 "https://${host}/cacerts" -o "$RANCHER_CA"
  actual="$(sha256sum "$RANCHER_CA")"
  actual="${actual%% *}"
  if [[ "$actual" != "$expected" ]]; then
    die "Rancher's CA checksum mismatch: expected ${expected}, got ${actual}; refusing to download the registration manifest"
  fi
  log "Rancher's CA matches CO_RANCHER_CA_CHECKSUM"
}

# One download attempt of the registration manifest into $1, with TLS options "${@:2}". The URL is
# read from the environment and curl's stderr is dropped so it can never reach a log; curl's exit
# code is enough to diagnose.
download_manifest() {
  local dest="$1" rc=0 hint=""
  shift
  curl -fsSL --max-time 60 "$@" -o "$dest" "$CO_RANCHER_MANIFEST_URL" 2>/dev/null || rc=$?
  if ((rc != 0)); then
    if ((rc == 60)); then hint="; Rancher's certificate is not trusted: set CO_RANCHER_CA_CHECKSUM"; fi
    log "registration manifest download failed (curl exit ${rc})${hint}"
    return 1
  fi
  if [[ ! -s "$dest" ]]; then
    log "registration manifest download returned nothing"
    return 1
  fi
}

register_with_rancher() {
  local -a tls=()
  [[ -n "${CO_RANCHER_MANIFEST_URL:-}" ]] || die "CO_RANCHER_MANIFEST_URL is not set (import mode)"

  retry_until_timeout "RKE2 to come up (${RKE2_KUBECONFIG})" test -e "$RKE2_KUBECONFIG"

  if [[ -n "${CO_RANCHER_CA_CHECKSUM:-}" ]]; then
    # Called directly, not in $(...): its log lines go to stdout and a die must end the script.
    fetch_rancher_ca
    tls=(--cacert "$RANCHER_CA")
  elif [[ "${CO_RANCHER_INSECURE:-}" == true ]]; then
    log "WARNING: CO_RANCHER_INSECURE=true: downloading the registration manifest without verifying Rancher's certificate"
    tls=(-k)
  else
    log "verifying Rancher's certificate against the system trust store"
  fi

  mkdir -p "$MANIFESTS_DIR"
  # A dot-file without a .yaml suffix: RKE2's deploy controller skips it until it is renamed.
  PARTIAL_MANIFEST="$(mktemp "${MANIFESTS_DIR}/.rancher-import.XXXXXX")"
  log "downloading the registration manifest"
  retry_until_timeout "the registration manifest" download_manifest "$PARTIAL_MANIFEST" "${tls[@]}"
  chmod 0600 "$PARTIAL_MANIFEST"
  mv -f "$PARTIAL_MANIFEST" "$IMPORT_MANIFEST"
  PARTIAL_MANIFEST=""
  log "registration manifest written to ${IMPORT_MANIFEST}; RKE2 applies it"
}

# Whether this node initialised or joined: re-applying the manifest is harmless.
if [[ "$RANCHER_MODE" == import && "$IS_BOOTSTRAP" == true ]]; then
  register_with_rancher
fi

# --- f. Done -------------------------------------------------------------------------------------
finish
