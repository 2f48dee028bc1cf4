#!/bin/bash
# iris-vip-check (lib/iris/assets/vip-check.sh): run every minute on each mirror member by iris-vip-check.timer,
# installed to /usr/local/sbin/iris-vip-check by startup.sh.
#
# Why: ZMIRROR's NotifyBecomePrimary runs move-vip.py once, when this member becomes primary, and startup.sh once per
# boot. If that one move fails (an API error past move-vip.py's deadline, an IAM grant still propagating), nothing
# would try again and the VIP would point at no primary. This is the retry:
#   (a) the VIP is on this VM (its alias range on nic0 and, with a public VIP, an external address on nic0): exit 0
#       at once, from two metadata reads and no IRIS query;
#   (b) otherwise ask IRIS here whether this member is the primary, and only if it is, run move-vip.py.
# It never takes the VIP from a primary: it moves the VIP only to a member that IRIS itself reports as primary.
#
# Exit codes: 0 nothing to do, or the VIP moved; 1 move-vip.py failed; 2 the VIP settings are missing.
# Endpoints for tests: GCE_METADATA_HOST (host[:port], as move-vip.py and Google's libraries read it), IRIS_BASE
# (/isc-mirror), IRIS_VIP_LOCK (/run/iris-vip.lock, shared with startup.sh so two moves never overlap on the host).
# No `set -e`: every failure below is a decision (nothing to do, or try again next minute), handled where it happens.
set -uo pipefail

readonly METADATA="http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1"
readonly BASE="${IRIS_BASE:-/isc-mirror}"
readonly LOCK="${IRIS_VIP_LOCK:-/run/iris-vip.lock}"
# Written by IRIS (as irisowner) into the bind mount ./iris -> /iris; its own name, so startup.sh's is-primary
# file and this one never clobber each other.
readonly ANSWER_NAME=vip-check.is-primary
# What flock returns when another move holds the lock.
readonly LOCK_BUSY=75

log() { printf 'iris-vip-check: %s\n' "$*"; }

metadata() { curl -fsS --max-time 5 -H 'Metadata-Flavor: Google' "${METADATA}/$1"; }

# True when the VIP is on this VM. A metadata read that fails counts as "not here": the IRIS question that follows
# is the safe way to find out, since only a primary acts. nic0 is read as the metadata server's recursive JSON, the
# form the guest agent reads too ("ipAliases": [...], "accessConfigs": [{"externalIp": ...}]).
vip_is_here() {
  local vip=$1 nic aliases
  nic=$(metadata 'instance/network-interfaces/0/?recursive=true&alt=json') || return 1
  aliases=$(grep -o '"ipAliases":\[[^]]*\]' <<<"${nic}") || return 1
  # A /32 may be listed with or without its prefix length.
  local address=${vip%/32}
  grep -qE "\"${address//./\\.}(/32)?\"" <<<"${aliases}" || return 1
  # With a public VIP the access config moves too: members have no other external address, so any external IP on
  # nic0 is the VIP's.
  if metadata instance/attributes/vip-public-address >/dev/null 2>&1; then
    grep -qE '"externalIp":"[0-9.]+"' <<<"${nic}" || return 1
  fi
  return 0
}

iris_is_running() {
  # qlist fields are ^-separated: IRIS^/usr/irissys^<version>^running, since ...^...
  docker exec iris iris qlist 2>/dev/null | grep -q '\^running,'
}

# Prints 1 if IRIS says this member is the primary, 0 if not, nothing if IRIS could not be asked.
iris_primary_answer() {
  rm -f "${BASE}/iris/${ANSWER_NAME}"
  docker exec -i iris iris session IRIS -U %SYS >/dev/null 2>&1 <<OBJECTSCRIPT
set file="/iris/${ANSWER_NAME}" open file:"WNS" use file write ##class(%SYSTEM.Mirror).IsPrimary() close file
halt
OBJECTSCRIPT
  cat "${BASE}/iris/${ANSWER_NAME}" 2>/dev/null
  rm -f "${BASE}/iris/${ANSWER_NAME}"
}

main() {
  local vip answer status
  if ! vip=$(metadata instance/attributes/vip-alias-range) || [ -z "${vip}" ]; then
    log "no vip-alias-range in this VM's metadata: not a mirror member set up by Terraform"
    exit 2
  fi
  vip_is_here "${vip}" && exit 0
  if ! iris_is_running; then
    log "the VIP ${vip} is not on this VM and IRIS is not running here: nothing to do"
    exit 0
  fi
  answer=$(iris_primary_answer)
  case "${answer}" in
    1) ;;
    0) exit 0 ;; # a backup: the VIP belongs to the primary, wherever it is
    *)
      log "could not ask IRIS whether this member is the primary (answer '${answer}'): nothing to do"
      exit 0
      ;;
  esac
  # ZMIRROR runs move-vip.py inside the IRIS container when this member becomes primary; its process is visible here
  # (the host sees the container's processes). Let that move finish rather than race it.
  if pgrep -f 'move-vip\.py' >/dev/null; then
    log "move-vip.py is already running on this VM: the next run checks again"
    exit 0
  fi
  log "this member is the primary but the VIP ${vip} is not on this VM: running move-vip.py"
  flock --nonblock --conflict-exit-code "${LOCK_BUSY}" "${LOCK}" python3 "${BASE}/iris/move-vip.py"
  status=$?
  case "${status}" in
    0) log "the VIP is on this VM" ;;
    "${LOCK_BUSY}") log "another move of the VIP is under way (${LOCK}): the next run checks again" ;;
    *)
      log "move-vip.py failed with exit code ${status}: the next run tries again"
      exit 1
      ;;
  esac
  exit 0
}

main "$@"
