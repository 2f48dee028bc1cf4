#!/bin/bash
# Startup script of the IRIS mirror VMs (lib/iris/assets/startup.sh). Runs as root on every boot; every step is
# idempotent. lib/iris/startup.ts puts the settings below; the files it deploys come from instance metadata
# attributes (iris-compose, iris-cpf-merge, iris-zmirror, iris-move-vip, iris-csp-ini, iris-csp-conf, iris-vip-check,
# iris-vip-check-service, iris-vip-check-timer).
set -euo pipefail

# @SETTINGS@

readonly METADATA=http://metadata.google.internal/computeMetadata/v1
readonly BASE=/isc-mirror
readonly IRIS_UID=51773
# Held while move-vip.py runs on the host, here and by iris-vip-check, so two moves never overlap.
readonly VIP_LOCK=/run/iris-vip.lock
# Steps that failed without stopping the rest; main exits 1 if any did.
FAILED=()

log() { printf 'iris-startup: %s\n' "$*"; }

metadata() { curl -fsS --retry 5 --retry-connrefused -H 'Metadata-Flavor: Google' "${METADATA}/$1"; }

access_token() {
  metadata instance/service-accounts/default/token |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# write_attribute ATTRIBUTE FILE MODE OWNER: a metadata attribute into a file, replaced atomically.
write_attribute() {
  local tmp
  tmp=$(mktemp)
  metadata "instance/attributes/$1" >"${tmp}"
  install -D -m "$3" -o "$4" -g "$4" "${tmp}" "$2"
  rm -f "${tmp}"
}

configure_sshd() {
  if ! grep -qx "Port ${SSH_PORT}" /etc/ssh/sshd_config; then
    sed -i -E '/^#?Port [0-9]+$/d' /etc/ssh/sshd_config
    printf 'Port %s\n' "${SSH_PORT}" >>/etc/ssh/sshd_config
  fi
  if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then
    command -v semanage >/dev/null 2>&1 || dnf install -y -q policycoreutils-python-utils
    if ! semanage port -l | grep -E '^ssh_port_t' | grep -qw "${SSH_PORT}"; then
      semanage port -a -t ssh_port_t -p tcp "${SSH_PORT}"
    fi
  fi
  systemctl restart sshd
  log "sshd listens on port ${SSH_PORT}"
}

install_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    command -v dnf >/dev/null 2>&1 || { log "needs a dnf-based image such as RHEL 9"; exit 1; }
    dnf install -y -q dnf-plugins-core
    dnf config-manager --add-repo https://download.docker.com/linux/rhel/docker-ce.repo
    dnf install -y -q docker-ce docker-ce-cli containerd.io docker-compose-plugin
  fi
  systemctl enable --now docker
  access_token | docker login --username oauth2accesstoken --password-stdin "https://${REGISTRY_HOST}" >/dev/null
  log "docker ready, logged in to ${REGISTRY_HOST} as the VM's service account"
}

fetch_license() {
  local token tmp
  token=$(access_token)
  tmp=$(mktemp)
  curl -fsS -H "Authorization: Bearer ${token}" \
    "https://secretmanager.googleapis.com/v1/${LICENSE_SECRET}/versions/latest:access" |
    python3 -c 'import base64, json, sys; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["payload"]["data"]))' \
      >"${tmp}"
  install -m 0400 -o "${IRIS_UID}" -g "${IRIS_UID}" "${tmp}" "${BASE}/iris/iris.key"
  rm -f "${tmp}"
  log "license key fetched from ${LICENSE_SECRET}"
}

wait_for_iris() {
  local attempt
  for attempt in $(seq 1 60); do
    # qlist fields are ^-separated: IRIS^/usr/irissys^<version>^running, since ...^...
    if docker exec iris iris qlist 2>/dev/null | grep -q '\^running,'; then
      return 0
    fi
    log "waiting for IRIS to start (${attempt}/60)"
    sleep 5
  done
  log "IRIS did not start"
  exit 1
}

# ZMIRROR's NotifyBecomePrimary runs the failover program; the routine lives in %SYS, loaded on every boot.
load_zmirror() {
  docker exec -i iris iris session IRIS -U %SYS <<'OBJECTSCRIPT'
do $system.OBJ.Load("/iris/ZMIRROR.mac","ck")
halt
OBJECTSCRIPT
  log "ZMIRROR loaded"
}

# The first primary became primary before ZMIRROR was loaded, so whoever is primary now claims the VIP.
claim_vip_if_primary() {
  rm -f "${BASE}/iris/is-primary"
  docker exec -i iris iris session IRIS -U %SYS <<'OBJECTSCRIPT'
set file="/iris/is-primary" open file:"WNS" use file write ##class(%SYSTEM.Mirror).IsPrimary() close file
halt
OBJECTSCRIPT
  if [ "$(cat "${BASE}/iris/is-primary" 2>/dev/null)" = 1 ]; then
    if ! flock "${VIP_LOCK}" python3 "${BASE}/iris/move-vip.py"; then
      log "move-vip.py failed: iris-vip-check.timer tries again every minute"
      FAILED+=("VIP claim")
    fi
  else
    log "not the primary: the VIP stays where it is"
  fi
}

# iris-vip-check.timer runs iris-vip-check every minute: if this member is primary and the VIP is elsewhere (a move
# that failed), it runs move-vip.py again. Installed on every boot (the files may have changed), enabled once.
install_vip_check() {
  write_attribute iris-vip-check /usr/local/sbin/iris-vip-check 0755 root
  write_attribute iris-vip-check-service /etc/systemd/system/iris-vip-check.service 0644 root
  write_attribute iris-vip-check-timer /etc/systemd/system/iris-vip-check.timer 0644 root
  systemctl daemon-reload
  systemctl enable --now iris-vip-check.timer
  log "iris-vip-check.timer enabled: systemctl list-timers iris-vip-check.timer; journalctl -u iris-vip-check.service"
}

deploy_member() {
  install -d -m 0755 "${BASE}" "${BASE}/webgateway"
  install -d -m 0750 -o "${IRIS_UID}" -g "${IRIS_UID}" "${BASE}/iris" /data
  write_attribute iris-compose "${BASE}/docker-compose.yml" 0644 root
  write_attribute iris-cpf-merge "${BASE}/iris/mirror.conf" 0644 "${IRIS_UID}"
  write_attribute iris-zmirror "${BASE}/iris/ZMIRROR.mac" 0644 "${IRIS_UID}"
  write_attribute iris-move-vip "${BASE}/iris/move-vip.py" 0755 "${IRIS_UID}"
  write_attribute iris-csp-ini "${BASE}/webgateway/CSP.ini" 0644 root
  write_attribute iris-csp-conf "${BASE}/webgateway/CSP.conf" 0644 root
  fetch_license
  docker compose --project-directory "${BASE}" up --detach --pull missing
  wait_for_iris
  load_zmirror
  # Before the claim, so that the retry is in place even if this first claim fails.
  install_vip_check
  claim_vip_if_primary
}

deploy_arbiter() {
  install -d -m 0755 "${BASE}"
  write_attribute iris-compose "${BASE}/docker-compose.yml" 0644 root
  docker compose --project-directory "${BASE}" up --detach --pull missing
}

main() {
  log "role ${ROLE}"
  configure_sshd
  case "${ROLE}" in
    primary | backup)
      install_docker
      deploy_member
      ;;
    arbiter)
      install_docker
      deploy_arbiter
      ;;
    client) ;;
    *)
      log "unknown role ${ROLE}"
      exit 1
      ;;
  esac
  if [ "${#FAILED[@]}" -gt 0 ]; then
    log "done, except: ${FAILED[*]}"
    exit 1
  fi
  log "done"
}

main "$@"
