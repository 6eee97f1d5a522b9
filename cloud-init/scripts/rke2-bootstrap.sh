#!/usr/bin/env bash
# Installs RKE2 and brings this node into its cluster (creating the cluster on the designated
# bootstrap server), then, in Rancher "import" mode, applies the cluster's registration manifest
# once. Delivered by cloud-init as /usr/local/sbin/co-bootstrap.sh; co-prepare-node.sh execs it at
# its end with node.env's variables exported. Both run from co-bootstrap.service, which systemd
# restarts after a failure until this script succeeds (a transient failure converges; the
# init/join decision is recorded, so a retry never initialises a second cluster).
#
# All VMs boot in parallel, so the cluster's ordering lives here (DESIGN.md §6): only the bootstrap
# server may initialise, and only when nothing answers at the registration address (a re-created
# bootstrap node must join the surviving cluster, never start a second one: it initialises only when
# the registration address AND every other server stay silent for a whole quiet window); the other
# servers join
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
# Written just before RKE2 is first started: from then on a Node of this name may be this node.
STARTED_FILE="${STATE_DIR}/rke2-started"
RKE2_BIN="${CO_ROOT}/usr/local/bin/rke2"
RKE2_CONFIG="${CO_ROOT}/etc/rancher/rke2/config.yaml"
RKE2_KUBECONFIG="${CO_ROOT}/etc/rancher/rke2/rke2.yaml"
MANIFESTS_DIR="${CO_ROOT}/var/lib/rancher/rke2/server/manifests"
# Where an older version of this script left the import manifest (RKE2 re-applied it on every start).
LEGACY_IMPORT_MANIFEST="${MANIFESTS_DIR}/rancher-import.yaml"
KUBECTL="${CO_ROOT}/var/lib/rancher/rke2/bin/kubectl"
RKE2_TLS_DIR="${CO_ROOT}/var/lib/rancher/rke2/server/tls"
# Secrets used once and then deleted (0600, written by cloud-init; never in node.env or argv).
SECRETS_DIR="${CO_ROOT}/etc/cluster-orchestrator"
MANIFEST_URL_FILE="${SECRETS_DIR}/rancher-manifest.url"
AGENT_ENV_FILE="${SECRETS_DIR}/rancher-agent.env"
# cloud-init's own copies of the user-data (which carried the files above): the raw and processed
# user-data, the pickled datasource, and the merged cloud-config with every write_files content
# (cloud-config.txt, written by cloudinit/handlers/cloud_config.py; and, until the next reboot,
# /run/cloud-init/combined-cloud-config.json, written by cloudinit/stages.py).
CLOUD_INSTANCES_DIR="${CO_ROOT}/var/lib/cloud/instances"
CLOUD_COMBINED_CONFIG="${CO_ROOT}/run/cloud-init/combined-cloud-config.json"
# RKE2's supervisor (join) port; /ping answers "pong" without authentication once a server is up.
SUPERVISOR_PORT="${CO_SUPERVISOR_PORT:-9345}"
API_PORT="${CO_API_PORT:-6443}"

# Everything this script creates (temp files, the import manifest, state) is for root only: the
# registration manifest and config.yaml carry credentials.
umask 077
mkdir -p "$LOG_DIR" "$STATE_DIR"

LOG_TAG="bootstrap"
# co-include: lib/log.sh

# Temporary files live under STATE_DIR, not /tmp: /tmp is a size-limited tmpfs on Debian 13 and
# the air-gap image tarball is close to a gigabyte. The partial import manifest lives next to its
# final name so the move is atomic (same filesystem).
WORK_DIR=""
cleanup() {
  if [[ -n "$WORK_DIR" ]]; then rm -rf "$WORK_DIR"; fi
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
# The other servers' addresses (bootstrap server only): evidence that a cluster exists.
OTHER_SERVERS="${CO_OTHER_SERVERS:-}"
# How long everything must stay silent before the bootstrap server initialises.
INIT_QUIET="${CO_INIT_QUIET_SECONDS:-120}"
NODE_NAME="${CO_NODE_NAME:-}"

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
[[ "$INIT_QUIET" =~ ^[0-9]+$ ]] || die "CO_INIT_QUIET_SECONDS must be a whole number of seconds, got '${INIT_QUIET}'"
for address in $OTHER_SERVERS; do
  [[ "$address" =~ ^[0-9A-Fa-f.:]+$ ]] || die "CO_OTHER_SERVERS holds '${address}', not an address"
done
if [[ "$IS_BOOTSTRAP" == true && "$ROLE" != server ]]; then
  die "CO_BOOTSTRAP=true is only valid on a server"
fi
# In custom mode Rancher's system agent does the joining, so no address is needed.
if [[ "$RANCHER_MODE" != custom && -z "$REGISTRATION_ADDRESS" ]]; then
  die "CO_REGISTRATION_ADDRESS is not set"
fi

SERVICE="rke2-${ROLE}.service"

# --- Helpers -------------------------------------------------------------------------------------

# https://<address>:<port>, with an IPv6 literal bracketed as URLs require.
https_url() {
  local host="$1"
  if [[ "$host" == *:* && "$host" != \[* ]]; then host="[${host}]"; fi
  printf 'https://%s:%s' "$host" "$2"
}
supervisor_url() { https_url "$1" "$SUPERVISOR_PORT"; }

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

# --- Rancher's CA (import and custom mode) ------------------------------------------------------

# Fetches Rancher's CA from https://<host of $1>/cacerts into RANCHER_CA and checks it against
# the expected sha256. The fetch itself is -k: the CA is not trusted yet, it is authenticated by
# its checksum instead (as Rancher's own agent installer does). A mismatch is fatal; there is no
# fallback to an unverified download.
fetch_rancher_ca() {
  local rest host expected actual
  rest="${1#https://}"
  [[ "$rest" != "$1" ]] || die "Rancher URLs must start with https://"
  host="${rest%%/*}"
  host="${host##*@}"
  expected="${CO_RANCHER_CA_CHECKSUM,,}"
  log "fetching Rancher's CA from https://${host}/cacerts"
  retry_until_timeout "Rancher's CA (https://${host}/cacerts)" \
    curl -fsSk --max-time 30 "https://${host}/cacerts" -o "$RANCHER_CA"
  actual="$(sha256sum "$RANCHER_CA")"
  actual="${actual%% *}"
  if [[ "$actual" != "$expected" ]]; then
    die "Rancher's CA checksum mismatch: expected ${expected}, got ${actual}; refusing to download from Rancher"
  fi
  log "Rancher's CA matches CO_RANCHER_CA_CHECKSUM"
}

# Sets RANCHER_TLS (curl options) for downloads from Rancher at $1.
RANCHER_TLS=()
rancher_tls() {
  if [[ -n "${CO_RANCHER_CA_CHECKSUM:-}" ]]; then
    fetch_rancher_ca "$1"
    RANCHER_TLS=(--cacert "$RANCHER_CA")
  elif [[ "${CO_RANCHER_INSECURE:-}" == true ]]; then
    log "WARNING: CO_RANCHER_INSECURE=true: downloading from Rancher without verifying its certificate"
    RANCHER_TLS=(-k)
  else
    log "verifying Rancher's certificate against the system trust store"
    RANCHER_TLS=()
  fi
}

# Deletes the one-time secrets and cloud-init's cached copies of the user-data that carried them,
# once they are no longer needed (the config drive itself is detached by the provider). RKE2's own
# config.yaml keeps its token: RKE2 needs it at every start (docs/nodes.md).
scrub_secrets() {
  local f
  rm -f "$MANIFEST_URL_FILE" "$AGENT_ENV_FILE" "$CLOUD_COMBINED_CONFIG"
  if [[ -d "$CLOUD_INSTANCES_DIR" ]]; then
    for f in "$CLOUD_INSTANCES_DIR"/*/user-data.txt "$CLOUD_INSTANCES_DIR"/*/user-data.txt.i \
      "$CLOUD_INSTANCES_DIR"/*/obj.pkl "$CLOUD_INSTANCES_DIR"/*/cloud-config.txt; do
      if [[ -e "$f" ]]; then rm -f "$f"; fi
    done
  fi
  log "removed the one-time secrets and cloud-init's cached user-data"
}

# --- Custom mode: Rancher's system agent installs and joins RKE2 --------------------------------
# The agent's settings (CATTLE_SERVER, CATTLE_TOKEN, roles, labels, taints) come from a 0600 file
# of KEY=value lines, rendered by the program. Each line is split at its first '=' and exported
# as it is: nothing in it is ever evaluated by a shell, and the token is never a command argument.
run_rancher_agent_install() {
  local url="${CO_RANCHER_AGENT_INSTALL_URL:-}" installer line key
  [[ -f "$AGENT_ENV_FILE" ]] || die "${AGENT_ENV_FILE} is missing (custom mode)"
  [[ "$url" =~ ^https://[^[:space:]]+$ ]] || die "CO_RANCHER_AGENT_INSTALL_URL must be an https URL, got '${url}'"
  rancher_tls "$url"
  installer="${WORK_DIR}/system-agent-install.sh"
  log "downloading Rancher's system agent installer from ${url}"
  retry_until_timeout "Rancher's system agent installer" \
    curl -fsSL --max-time 60 "${RANCHER_TLS[@]}" "$url" -o "$installer"
  log "running Rancher's system agent installer (custom mode: Rancher installs RKE2)"
  if ! (
    unset CO_RANCHER_CA_CHECKSUM CO_RANCHER_INSECURE
    while IFS= read -r line || [[ -n "$line" ]]; do
      [[ -n "$line" ]] || continue
      key="${line%%=*}"
      [[ "$key" =~ ^CATTLE_[A-Z_]+$ && "$line" == *=* ]] || die "${AGENT_ENV_FILE}: unexpected line (not CATTLE_*=value)"
      export "${key}=${line#*=}"
    done <"$AGENT_ENV_FILE"
    sh "$installer"
  ); then
    die "Rancher's system agent installer failed (its output is above)"
  fi
}

if [[ "$RANCHER_MODE" == custom ]]; then
  run_rancher_agent_install
  scrub_secrets
  finish
  exit 0
fi

# --- b. Install RKE2 at the pinned version ------------------------------------------------------

# Checks $1 against the sha256 $2 (hex); a mismatch is fatal. An empty $2 means nobody pinned one:
# the download is used unverified, with a warning in the log (docs/rollout-checklist.md).
verify_sha256() {
  local file="$1" expected="${2,,}" what="$3" actual
  actual="$(sha256sum "$file")"
  actual="${actual%% *}"
  if [[ -z "$expected" ]]; then
    log "WARNING: no pinned sha256 for ${what} (got ${actual}); pin it in rke2.checksums"
    return 0
  fi
  [[ "$actual" == "$expected" ]] || die "${what}: sha256 mismatch: expected ${expected}, got ${actual}; refusing to use it"
  log "${what}: sha256 matches the pin"
}

# Plain http only with the explicit lab opt-out (rke2.allowInsecureHttp).
PROTO=(--proto '=https')
if [[ "${CO_ALLOW_INSECURE_HTTP:-}" == true ]]; then PROTO=(--proto '=http,https'); fi

install_rke2() {
  if [[ -e "$RKE2_BIN" ]]; then
    # A re-run after a later step failed: the installer already ran.
    log "RKE2 already installed (${RKE2_BIN}), skipping the installer"
    return 0
  fi
  [[ -n "${CO_RKE2_VERSION:-}" ]] || die "CO_RKE2_VERSION is not set"

  local installer="${WORK_DIR}/install.sh" artifacts="" base name
  log "downloading the RKE2 installer from ${INSTALL_URL}"
  curl -fsSL "${PROTO[@]}" --retry 5 "$INSTALL_URL" -o "$installer"
  # Pinned in the repository (rke2.checksums.installer); without a pin, say so loudly.
  verify_sha256 "$installer" "${CO_RKE2_INSTALLER_SHA256:-}" "the RKE2 installer"

  if [[ -n "$ARTIFACT_URL" ]]; then
    # Locked-down egress: fetch the release from the mirror; the installer then verifies the
    # tarball (and the image tarball, when present) against sha256sum-amd64.txt.
    artifacts="${WORK_DIR}/artifacts"
    base="${ARTIFACT_URL%/}"
    mkdir -p "$artifacts"
    for name in rke2.linux-amd64.tar.gz sha256sum-amd64.txt; do
      log "downloading ${name} from the artifact mirror ${base}"
      curl -fsSL "${PROTO[@]}" --retry 5 "${base}/${name}" -o "${artifacts}/${name}"
    done
    # The installer checks the tarballs against sha256sum-amd64.txt; this checks that file
    # against the pin (rke2.checksums.releases), so a mirror cannot swap both.
    verify_sha256 "${artifacts}/sha256sum-amd64.txt" "${CO_RKE2_RELEASE_SHA256:-}" "sha256sum-amd64.txt of ${CO_RKE2_VERSION}"
    name=rke2-images.linux-amd64.tar.zst
    if curl -fsSL "${PROTO[@]}" --retry 5 "${base}/${name}" -o "${artifacts}/${name}"; then
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
    # The installer has no business with our settings.
    unset CO_RANCHER_CA_CHECKSUM CO_RANCHER_INSECURE
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

# True when anything of an existing cluster answers: the registration address or another server.
cluster_answers() {
  local address
  if answers_pong "$REGISTRATION_ADDRESS"; then
    log "the registration address $(supervisor_url "$REGISTRATION_ADDRESS") answers"
    return 0
  fi
  for address in $OTHER_SERVERS; do
    if answers_pong "$address"; then
      log "server ${address} answers at $(supervisor_url "$address")"
      return 0
    fi
  done
  return 1
}

# The bootstrap server initialises only on positive evidence that no cluster exists: the
# registration address and every other server stay silent in every probe of a whole quiet window
# (INIT_QUIET / POLL_INTERVAL + 1 probes, at least 3). During a first boot the other servers are silent because they wait for this
# one; a re-created bootstrap server finds them answering and joins. The decision is recorded, so a
# re-run after a failure (when this node's own RKE2 may be the one answering) does not flip it.
bootstrap_server_decision() {
  local decision="" round rounds=3
  if ((POLL_INTERVAL > 0 && INIT_QUIET / POLL_INTERVAL + 1 > rounds)); then
    rounds=$((INIT_QUIET / POLL_INTERVAL + 1))
  fi
  if [[ -f "$DECISION_FILE" ]]; then
    decision="$(<"$DECISION_FILE")"
    log "reusing the decision of an earlier run: ${decision}"
  else
    log "probing the registration address and ${OTHER_SERVERS:-no other servers} for an existing cluster (${rounds} rounds, ${POLL_INTERVAL}s apart)"
    for ((round = 1; round <= rounds; round++)); do
      if cluster_answers; then
        decision="join"
        break
      fi
      if ((round < rounds)); then sleep "$POLL_INTERVAL"; fi
    done
    decision="${decision:-init}"
    printf '%s\n' "$decision" >"$DECISION_FILE"
  fi

  case "$decision" in
    join)
      log "JOINING: a cluster already answers (this bootstrap node was re-created); it will not start a second cluster"
      add_server_line
      ;;
    init)
      log "INITIALISING a new cluster: nothing answered at $(supervisor_url "$REGISTRATION_ADDRESS") or at any other server for ${INIT_QUIET}s"
      ;;
    *) die "unexpected decision '${decision}' in ${DECISION_FILE}" ;;
  esac
}

# --- Replacing a node of the same name ------------------------------------------------------------
# RKE2 refuses a re-created server whose name is still an etcd member ("duplicate node name found",
# k3s pkg/etcd/etcd.go join) and keeps a node password secret per name. Deleting the old Node
# object removes both: RKE2's etcd member controller removes the member on Node deletion (k3s
# pkg/etcd/member_controller.go onRemove) and the node controller deletes its password secret
# (docs.rke2.io: "delete the node from the cluster ... cleans up the old node entry and node
# password secret"). A joining server holds the cluster's client CA (delivered by cloud-init), so
# it can authenticate as an admin for exactly this: a one-day certificate made here, used for one
# GET and at most one DELETE, then thrown away. A node of that name that is still Ready is never
# deleted: two live nodes with one name is an operator mistake, not a replacement.
remove_stale_node() {
  local ca_crt="${RKE2_TLS_DIR}/client-ca.crt" ca_key="${RKE2_TLS_DIR}/client-ca.key"
  local server_ca="${RKE2_TLS_DIR}/server-ca.crt" key="${WORK_DIR}/admin.key" csr="${WORK_DIR}/admin.csr"
  local crt="${WORK_DIR}/admin.crt" url code body="${WORK_DIR}/node.json"
  # A retry after this node's RKE2 was started (the start failed, or a later step timed out): the
  # Node of this name is now this node itself, registered by its own kubelet and NotReady until the
  # CNI is up. Deleting it would remove this server's own etcd member; refusing it would loop forever.
  if [[ -e "$STARTED_FILE" ]]; then
    log "RKE2 was already started on this node: skipping the stale-node check"
    return 0
  fi
  if [[ ! -f "$ca_crt" || ! -f "$ca_key" || ! -f "$server_ca" ]]; then
    log "no cluster CA on this node: skipping the stale-node check"
    return 0
  fi
  [[ -n "$NODE_NAME" ]] || die "CO_NODE_NAME is not set"
  url="$(https_url "$REGISTRATION_ADDRESS" "$API_PORT")/api/v1/nodes/${NODE_NAME}"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$key" \
    -subj "/O=system:masters/CN=cluster-orchestrator:node-replacement" -out "$csr" 2>/dev/null
  openssl x509 -req -in "$csr" -CA "$ca_crt" -CAkey "$ca_key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
    -days 1 -out "$crt" 2>/dev/null
  api_get() {
    code="$(curl -sS --max-time 10 --cacert "$server_ca" --cert "$crt" --key "$key" -o "$body" -w '%{http_code}' "$url" 2>/dev/null)" || code=000
    [[ "$code" == 200 || "$code" == 404 ]]
  }
  retry_until_timeout "the API server at ${url%/api/*}" api_get
  if [[ "$code" == 404 ]]; then
    log "no node named ${NODE_NAME} in the cluster: a first join"
    return 0
  fi
  if tr -d ' \n' <"$body" | grep -q '"type":"Ready","status":"True"'; then
    die "a node named ${NODE_NAME} is still Ready in the cluster; refusing to replace a live node"
  fi
  log "REPLACING: the cluster still has a node named ${NODE_NAME} (not Ready); deleting it, which removes its etcd member and node password"
  curl -fsS --max-time 30 --cacert "$server_ca" --cert "$crt" --key "$key" -X DELETE "$url" -o /dev/null 2>/dev/null ||
    die "deleting the old node ${NODE_NAME} failed"
  node_gone() { api_get && [[ "$code" == 404 ]]; }
  retry_until_timeout "the old node ${NODE_NAME} to be gone" node_gone
  rm -f "$key" "$crt" "$csr" "$body"
}

JOINING_SERVER=false
if [[ "$ROLE" == server && "$IS_BOOTSTRAP" == true ]]; then
  bootstrap_server_decision
  if [[ "$(<"$DECISION_FILE")" == join ]]; then JOINING_SERVER=true; fi
elif [[ "$ROLE" == server ]]; then
  # Servers join one at a time: server k starts once server k-1 answers.
  if [[ -n "$PREVIOUS_SERVER" ]]; then
    wait_for_supervisor "$PREVIOUS_SERVER" "the previous server"
  fi
  wait_for_supervisor "$REGISTRATION_ADDRESS" "the registration address"
  log "JOINING the cluster at $(supervisor_url "$REGISTRATION_ADDRESS")"
  JOINING_SERVER=true
else
  # rke2-agent retries by itself too; waiting keeps its log free of a long run of join errors.
  wait_for_supervisor "$REGISTRATION_ADDRESS" "the registration address"
  log "JOINING the cluster at $(supervisor_url "$REGISTRATION_ADDRESS") as an agent"
fi

if [[ "$JOINING_SERVER" == true ]]; then
  remove_stale_node
fi

# --- d. Start RKE2 ----------------------------------------------------------------------------------
log "enabling and starting ${SERVICE}"
date -u '+%Y-%m-%dT%H:%M:%SZ' >"$STARTED_FILE"
systemctl enable --now "$SERVICE"

# --- e. Rancher import: the bootstrap server applies the registration manifest once -------------
# Applied with RKE2's kubectl, not dropped into RKE2's manifests folder: RKE2 re-applies every
# file there at each start (docs.rke2.io, advanced: auto-deploying manifests), which would re-run
# the import and undo Rancher's later changes to its agent. The manifest lives in WORK_DIR (0600,
# removed on exit); the URL file is deleted once applied.

# One download attempt of the registration manifest into $1, with TLS options "${@:2}". The URL
# reaches curl through its config on stdin (-K -), never as an argument visible in /proc, and
# curl's stderr is dropped so it can never reach a log; curl's exit code is enough to diagnose.
download_manifest() {
  local dest="$1" rc=0 hint=""
  shift
  printf 'url = "%s"\n' "$MANIFEST_URL" | curl -fsSL --max-time 60 "$@" -o "$dest" -K - 2>/dev/null || rc=$?
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

apply_manifest() {
  [[ -x "$KUBECTL" ]] || return 1
  "$KUBECTL" --kubeconfig "$RKE2_KUBECONFIG" apply -f "$1" >/dev/null
}

MANIFEST_URL=""
register_with_rancher() {
  local manifest="${WORK_DIR}/rancher-import.yaml"
  if [[ -e "$LEGACY_IMPORT_MANIFEST" ]]; then
    rm -f "$LEGACY_IMPORT_MANIFEST"
    log "removed ${LEGACY_IMPORT_MANIFEST} (RKE2 would re-apply it at every start)"
  fi
  [[ -f "$MANIFEST_URL_FILE" ]] || die "${MANIFEST_URL_FILE} is missing (import mode)"
  MANIFEST_URL="$(<"$MANIFEST_URL_FILE")"
  [[ "$MANIFEST_URL" =~ ^https://[^[:space:]\"\\]+$ ]] || die "${MANIFEST_URL_FILE} does not hold a plain https URL"

  retry_until_timeout "RKE2 to come up (${RKE2_KUBECONFIG})" test -e "$RKE2_KUBECONFIG"
  rancher_tls "$MANIFEST_URL"
  log "downloading the registration manifest"
  retry_until_timeout "the registration manifest" download_manifest "$manifest" "${RANCHER_TLS[@]}"
  chmod 0600 "$manifest"
  log "applying the registration manifest with ${KUBECTL}"
  retry_until_timeout "the registration manifest to be applied" apply_manifest "$manifest"
  rm -f "$manifest"
  log "registration manifest applied once; Rancher's agent takes over"
}

# Whether this node initialised or joined: applying the manifest again is harmless.
if [[ "$RANCHER_MODE" == import && "$IS_BOOTSTRAP" == true ]]; then
  register_with_rancher
fi
scrub_secrets

# --- f. Done -------------------------------------------------------------------------------------
finish
