#!/usr/bin/env bash
# Prepares a freshly cloned VM to become a Kubernetes (RKE2) node, then hands over to the RKE2
# bootstrap. Delivered by cloud-init as /usr/local/sbin/co-prepare-node.sh and run by
# co-bootstrap.service (started from runcmd, enabled for every boot), which systemd restarts after
# a failure: a transient failure anywhere (a package mirror, the RKE2 installer, a slow server)
# converges instead of leaving a half-built node.
#
# Testability: every absolute path the script reads or writes is prefixed with CO_ROOT (empty on a
# real node), and system commands are resolved through PATH, so a test can run it in a temp dir
# with stubbed commands.
set -Eeuo pipefail

CO_ROOT="${CO_ROOT:-}"
ENV_FILE="${CO_ROOT}/etc/cluster-orchestrator/node.env"
LOG_DIR="${CO_ROOT}/var/log/cluster-orchestrator"
LOG_FILE="${LOG_DIR}/prepare-node.log"
STATE_DIR="${CO_ROOT}/var/lib/cluster-orchestrator"
MARKER="${STATE_DIR}/prepared"
FSTAB="${CO_ROOT}/etc/fstab"
MODULES_FILE="${CO_ROOT}/etc/modules-load.d/cluster-orchestrator.conf"
SYSCTL_FILE="${CO_ROOT}/etc/sysctl.d/90-cluster-orchestrator.conf"
BOOTSTRAP="${CO_ROOT}/usr/local/sbin/co-bootstrap.sh"

mkdir -p "$LOG_DIR" "$STATE_DIR"

LOG_TAG="prepare-node"
# co-include: lib/log.sh

# The marker makes preparation run once; the hand-over at the end runs every time, so a retry
# after a failed bootstrap (the unit restarting, a reboot) reaches the bootstrap stage, which keeps
# its own idempotency.
prepare_node() {
  # --- Swap: the kubelet refuses to run with swap on. ---------------------------------------------
  log "disabling swap"
  swapoff -a
  if [[ -f "$FSTAB" ]]; then
    # Comment out active swap entries (3rd field "swap") so swap stays off after a reboot; rewrite in
    # place with cat so the file keeps its owner and mode.
    tmp="${FSTAB}.co-tmp"
    awk '$1 !~ /^#/ && $3 == "swap" { print "# disabled by cluster-orchestrator: " $0; next } { print }' \
      "$FSTAB" >"$tmp"
    cat "$tmp" >"$FSTAB"
    rm -f "$tmp"
  fi

  # --- Kernel modules needed by the container runtime and the CNI. --------------------------------
  log "loading kernel modules overlay, br_netfilter"
  mkdir -p "$(dirname "$MODULES_FILE")"
  printf '%s\n' overlay br_netfilter >"$MODULES_FILE"
  modprobe overlay
  modprobe br_netfilter

  # --- Sysctls (after br_netfilter: the bridge keys only exist once it is loaded). -----------------
  # vm.max_map_count: OpenSearch (and other Lucene-based stores) refuse to start below 262144; set
  # on the node so no workload needs a privileged init container for it.
  log "writing and applying ${SYSCTL_FILE}"
  mkdir -p "$(dirname "$SYSCTL_FILE")"
  cat >"$SYSCTL_FILE" <<'EOF'
net.ipv4.ip_forward = 1
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
vm.max_map_count = 262144
EOF
  sysctl -p "$SYSCTL_FILE"

  # --- CIS profile prerequisites (CO_CIS_PROFILE from node.env). --------------------------------------
  # RKE2's `profile: cis` refuses to start without an etcd system user and the kernel settings of its
  # hardening guide; cloud-init delivers those settings as /etc/sysctl.d/60-rke2-cis.conf.
  if [[ "${CO_CIS_PROFILE:-false}" == true ]]; then
    if getent passwd etcd >/dev/null; then
      log "etcd user exists (CIS profile)"
    else
      log "creating the etcd system user (CIS profile)"
      useradd -r -c "etcd user" -s /sbin/nologin -M -U etcd
    fi
    CIS_SYSCTL_FILE="${CO_ROOT}/etc/sysctl.d/60-rke2-cis.conf"
    [[ -f "$CIS_SYSCTL_FILE" ]] || die "${CIS_SYSCTL_FILE} is missing (CIS profile)"
    sysctl -p "$CIS_SYSCTL_FILE"
  fi

  # --- Optional data disk (CO_DATA_DISK_DEVICE from node.env). -------------------------------------
  prepare_data_disk() {
    local device="$1" mount_point="$2" fstype pttype uuid target
    target="${CO_ROOT}${mount_point}"

    # blkid -p probes the device itself (no cache); it exits 2 when it finds nothing.
    fstype="$(blkid -p -s TYPE -o value "$device" || true)"
    if [[ -z "$fstype" ]]; then
      pttype="$(blkid -p -s PTTYPE -o value "$device" || true)"
      # A partition table without a filesystem is not ours to wipe: stop and let a human look.
      [[ -z "$pttype" ]] || die "${device} has a ${pttype} partition table and no filesystem; not formatting"
      log "formatting ${device} as ext4"
      mkfs.ext4 -q -L co-data "$device"
      fstype=ext4
    else
      log "${device} already holds a ${fstype} filesystem, keeping it"
    fi

    uuid="$(blkid -p -s UUID -o value "$device" || true)"
    [[ -n "$uuid" ]] || die "no UUID found on ${device}"

    # By UUID: device names can change between boots; nofail keeps a missing disk from blocking boot.
    if ! grep -qs "^UUID=${uuid}[[:space:]]" "$FSTAB"; then
      mkdir -p "$(dirname "$FSTAB")"
      printf 'UUID=%s %s %s defaults,nofail 0 2\n' "$uuid" "$mount_point" "$fstype" >>"$FSTAB"
    fi

    mkdir -p "$target"
    if grep -qs "[[:space:]]${target}[[:space:]]" "${CO_ROOT}/proc/mounts"; then
      log "${target} already mounted"
    else
      carry_over "$device" "$fstype" "$target"
      log "mounting ${device} on ${target}"
      mount -t "$fstype" "$device" "$target"
    fi
  }

  # True when directory $1 has an entry other than lost+found.
  has_entries() {
    local entry
    for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
      if [[ -e "$entry" && "${entry##*/}" != lost+found ]]; then return 0; fi
    done
    return 1
  }

  # cloud-init's write_files ran before this script, so what it put under the mount point (on
  # servers: RKE2's cluster CA in rke2/server/tls and kube-vip's static pod) would be hidden by
  # the mount, and RKE2 would generate a CA of its own that the nodes' K10<hash> tokens do not
  # match. So a data disk that holds nothing yet first receives a copy (modes kept); a disk that
  # already holds data is never written to here.
  carry_over() {
    local device="$1" fstype="$2" target="$3" staging
    has_entries "$target" || return 0
    staging="$(mktemp -d "${STATE_DIR}/data-disk.XXXXXX")"
    mount -t "$fstype" "$device" "$staging"
    if has_entries "$staging"; then
      log "${device} already holds data; nothing copied onto it"
    else
      log "copying what is already under ${target} onto ${device}"
      cp -a "${target}/." "${staging}/"
    fi
    umount "$staging"
    rmdir "$staging"
  }

  if [[ -n "${CO_DATA_DISK_DEVICE:-}" ]]; then
    prepare_data_disk "$CO_DATA_DISK_DEVICE" "${CO_DATA_DISK_MOUNT:-/var/lib/rancher}"
  fi

  # --- Longhorn's node prerequisites: iSCSI for its block devices, NFS for RWX volumes. ------------
  # Longhorn's installation requirements (longhorn.io docs, deploy/install: open-iscsi installed and
  # iscsid running, the iscsi_tcp module; nfs-common for RWX). The packages come from cloud-init's
  # package list (nodes.packages' defaults); here they are checked and the daemon enabled.
  log "enabling iscsid and loading iscsi_tcp (Longhorn)"
  command -v iscsiadm >/dev/null || die "iscsiadm is missing: install open-iscsi (nodes.packages)"
  command -v mount.nfs >/dev/null || die "mount.nfs is missing: install nfs-common (nodes.packages)"
  printf '%s\n' iscsi_tcp >>"$MODULES_FILE"
  modprobe iscsi_tcp
  systemctl enable --now iscsid.service

  # --- Unattended security upgrades (docs/nodes.md: what is upgraded, reboots). -----------------------
  # Security updates only; no automatic reboot (a server reboot is a control-plane outage the
  # operator schedules, one server at a time).
  UPGRADES_FILE="${CO_ROOT}/etc/apt/apt.conf.d/20auto-upgrades"
  mkdir -p "$(dirname "$UPGRADES_FILE")"
  cat >"$UPGRADES_FILE" <<'EOF'
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
Unattended-Upgrade::Automatic-Reboot "false";
EOF
  log "unattended security upgrades enabled (${UPGRADES_FILE})"

  date -u '+%Y-%m-%dT%H:%M:%SZ' >"$MARKER"
  log "node prepared"
}

# node.env is rendered by cloud-init/userData.ts with shell-quoted values; exported so the
# bootstrap stage exec'd at the end sees the same environment.
if [[ -f "$ENV_FILE" ]]; then
  set -a
  # shellcheck source=/dev/null
  . "$ENV_FILE"
  set +a
  log "loaded ${ENV_FILE}"
fi

if [[ -e "$MARKER" ]]; then
  log "already prepared (${MARKER} exists)"
else
  prepare_node
fi

# --- SEAM: next stage ----------------------------------------------------------------------------
# The RKE2 bootstrap (later stage) is delivered as /usr/local/sbin/co-bootstrap.sh; when present it
# takes over this process (and node.env's exported variables).
if [[ -x "$BOOTSTRAP" ]]; then
  log "handing over to ${BOOTSTRAP}"
  exec "$BOOTSTRAP"
fi
