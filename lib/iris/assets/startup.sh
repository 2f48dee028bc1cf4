#!/bin/bash
# Startup script of the IRIS mirror VMs (lib/iris/assets/startup.sh). Runs as root on every boot; every step is
# idempotent. lib/iris/startup.ts puts the settings below; the files it deploys come from instance metadata
# attributes (iris-compose, iris-cpf-merge, iris-zmirror, iris-move-vip, iris-csp-ini, iris-csp-conf, iris-vip-check,
# iris-vip-check-service, iris-vip-check-timer). Secrets (the license, the CSPSystem password) come from Secret
# Manager at boot and never pass through metadata.
set -euo pipefail

# @SETTINGS@

readonly METADATA=http://metadata.google.internal/computeMetadata/v1
# IRIS_BASE only for tests, which run single functions in a temporary directory.
readonly BASE="${IRIS_BASE:-/isc-mirror}"
readonly IRIS_UID=51773
# Marker files of one-time steps (the first boot's package upgrade).
readonly STATE=/var/lib/iris-startup
# Held while move-vip.py runs on the host, here and by iris-vip-check, so two moves never overlap.
readonly VIP_LOCK=/run/iris-vip.lock
# How long the first boot waits, in all, for what apply cannot order: IAM grants propagating (up to a few minutes),
# a license version you add after apply, images you push after apply. Override for tests only.
readonly BOOT_RETRY_SECONDS="${IRIS_BOOT_RETRY_SECONDS:-900}"

WORK=$(mktemp -d)
readonly WORK
trap 'rm -rf "${WORK}"' EXIT
# Steps that failed without stopping the rest (the VIP matters more than the portal); main exits 1 if any did.
FAILED=()

log() { printf 'iris-startup: %s\n' "$*"; }

metadata() { curl -fsS --retry 5 --retry-connrefused -H 'Metadata-Flavor: Google' "${METADATA}/$1"; }

access_token() {
  metadata instance/service-accounts/default/token |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# with_retry WHAT COMMAND...: runs COMMAND until it succeeds, pausing 10, 20, 40, 60, 60... seconds in between, for
# up to BOOT_RETRY_SECONDS of pauses in all. COMMAND logs what is missing and how to fix it; this logs the attempt.
with_retry() {
  local what=$1 attempt=1 pause=10 waited=0
  shift
  until "$@"; do
    if [ "${waited}" -ge "${BOOT_RETRY_SECONDS}" ]; then
      log "${what}: giving up after ${attempt} attempts over ${waited}s; fix the cause above, then reset this VM"
      return 1
    fi
    log "${what}: attempt ${attempt} failed; trying again in ${pause}s"
    sleep "${pause}"
    waited=$((waited + pause))
    attempt=$((attempt + 1))
    pause=$((pause * 2 > 60 ? 60 : pause * 2))
  done
}

# read_secret SECRET FILE HINT: the latest version of SECRET (projects/<p>/secrets/<id>) into FILE. On failure it
# logs what is missing, with HINT for a missing version, and returns 1 (for with_retry). The access token goes to
# curl on stdin (--config -), not on its command line.
read_secret() {
  local secret=$1 file=$2 hint=$3 token status problem
  if ! token=$(access_token); then
    log "${secret}: no access token from the metadata server"
    return 1
  fi
  status=$(printf 'header = "Authorization: Bearer %s"\n' "${token}" |
    curl -sS --config - -o "${WORK}/response" -w '%{http_code}' \
      "https://secretmanager.googleapis.com/v1/${secret}/versions/latest:access") || status=000
  if [ "${status}" = 200 ]; then
    python3 -c 'import base64, json, sys; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["payload"]["data"]))' \
      <"${WORK}/response" >"${file}" && rm -f "${WORK}/response"
    return
  fi
  problem=$(python3 -c 'import json, sys; e = json.load(sys.stdin)["error"]; print(e["status"], "-", e["message"])' \
    <"${WORK}/response" 2>/dev/null) || problem="no error details"
  rm -f "${WORK}/response"
  case "${status}" in
    403) log "${secret}: HTTP 403 (${problem}): the VM's service account may not read it yet; IAM grants can take a few minutes to propagate after apply" ;;
    404) log "${secret}: HTTP 404 (${problem}): it has no version yet; ${hint}" ;;
    400)
      if [[ "${problem}" == FAILED_PRECONDITION* ]]; then
        log "${secret}: HTTP 400 (${problem}): its latest version is disabled or destroyed; ${hint}"
      else
        log "${secret}: HTTP 400 (${problem})"
      fi
      ;;
    000) log "${secret}: Secret Manager unreachable (DNS, Cloud NAT or Private Google Access)" ;;
    *) log "${secret}: HTTP ${status} (${problem})" ;;
  esac
  return 1
}

# write_attribute ATTRIBUTE FILE MODE OWNER: a metadata attribute into a file, replaced atomically.
write_attribute() {
  local tmp
  tmp=$(mktemp)
  metadata "instance/attributes/$1" >"${tmp}"
  install -D -m "$3" -o "$4" -g "$4" "${tmp}" "$2"
  rm -f "${tmp}"
}

# The article's playbook upgraded every package first (dnf, nobest). Once, on the first boot: later boots must not
# change packages under a running mirror. --nobest as the playbook had it, so that an update candidate that cannot
# be installed (its case: python3-policycoreutils) is skipped instead of failing the upgrade. A failed upgrade does
# not stop the boot; it runs again on the next one. A new kernel takes effect at the next reboot.
upgrade_packages_once() {
  local marker="${STATE}/dnf-upgraded"
  [ -e "${marker}" ] && return 0
  command -v dnf >/dev/null 2>&1 || return 0
  log "first boot: dnf upgrade --nobest (the article's playbook)"
  if dnf upgrade -y -q --nobest; then
    install -d -m 0755 "${STATE}"
    date -u +%FT%TZ >"${marker}"
    log "packages upgraded"
  else
    log "dnf upgrade failed; it runs again on the next boot"
  fi
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
  log "docker ready"
}

compose() { docker compose --project-directory "${BASE}" "$@"; }

# One pull attempt: log in to the registry as the VM's service account (a fresh token each time), pull every image
# of the compose file.
pull_attempt() {
  if ! access_token | docker login --username oauth2accesstoken --password-stdin "https://${REGISTRY_HOST}" >/dev/null; then
    log "cannot log in to ${REGISTRY_HOST} as the VM's service account"
    return 1
  fi
  if ! compose pull --quiet; then
    log "cannot pull $(compose config --images | tr '\n' ' ')from ${REGISTRY_HOST}: push them (see the blueprint's Deploy steps), or wait for the VM account's roles/artifactregistry.reader to propagate"
    return 1
  fi
}

# Pulls only when an image is missing, so later boots start from local images even if the registry is unreachable.
pull_images() {
  local image missing=0
  for image in $(compose config --images); do
    docker image inspect "${image}" >/dev/null 2>&1 || missing=1
  done
  [ "${missing}" = 0 ] && return 0
  with_retry "pulling images" pull_attempt
  log "images pulled from ${REGISTRY_HOST}"
}

fetch_license() {
  with_retry "IRIS license" read_secret "${LICENSE_SECRET}" "${WORK}/iris.key" \
    "add the key: gcloud secrets versions add ${LICENSE_SECRET##*/} --data-file=iris.key --project=$(project_of "${LICENSE_SECRET}")"
  install -m 0400 -o "${IRIS_UID}" -g "${IRIS_UID}" "${WORK}/iris.key" "${BASE}/iris/iris.key"
  rm -f "${WORK}/iris.key"
  log "license key fetched from ${LICENSE_SECRET}"
}

project_of() { local rest=${1#projects/}; printf '%s' "${rest%%/*}"; }

# The Web Gateway's password for CSPSystem: generated by Terraform (random_password) into its own secret. Kept in
# this shell only (never exported, never on a command line).
CSP_PASSWORD=
fetch_csp_password() {
  with_retry "CSPSystem password" read_secret "${CSP_PASSWORD_SECRET}" "${WORK}/csp-password" \
    "Terraform adds it (google_secret_manager_secret_version): run the deploy of iris-mirror to the end"
  # No trailing newline in the secret: read returns 1 at end of file but has set the value.
  IFS= read -r CSP_PASSWORD <"${WORK}/csp-password" || true
  rm -f "${WORK}/csp-password"
  # Letters and digits only (GeneratedPassword): safe unquoted in CSP.ini and as one line of ObjectScript input.
  if ! [[ "${CSP_PASSWORD}" =~ ^[A-Za-z0-9]{8,32}$ ]]; then
    log "${CSP_PASSWORD_SECRET}: expected 8-32 letters and digits; not using it"
    exit 1
  fi
  log "CSPSystem password fetched from ${CSP_PASSWORD_SECRET}"
}

# render_csp_ini TEMPLATE: the template with the CSPSystem password right after its Username=CSPSystem line (the
# [LOCAL] server profile). The Web Gateway reads a plain Password and may rewrite it in its own obfuscated form.
render_csp_ini() {
  local line found=0
  while IFS= read -r line || [ -n "${line}" ]; do
    printf '%s\n' "${line}"
    if [ "${line}" = 'Username=CSPSystem' ]; then
      printf 'Password=%s\n' "${CSP_PASSWORD}"
      found=1
    fi
  done <"$1"
  [ "${found}" = 1 ] || { log "CSP.ini template has no Username=CSPSystem line" >&2; return 1; }
}

# Writes webgateway/CSP.ini, 0600 root: it holds the password, and the stock webgateway image's entrypoint, which
# copies it into the container, runs as root. Returns 0 when the file changed, 1 when it was already up to date, 2 when
# it could not be written (the old file stays). Explicit returns: callers test the status, which turns `set -e` off.
write_csp_ini() {
  metadata instance/attributes/iris-csp-ini >"${WORK}/CSP.ini.template" || return 2
  render_csp_ini "${WORK}/CSP.ini.template" >"${WORK}/CSP.ini" || return 2
  if cmp -s "${WORK}/CSP.ini" "${BASE}/webgateway/CSP.ini"; then
    rm -f "${WORK}/CSP.ini"
    return 1
  fi
  install -m 0600 -o root -g root "${WORK}/CSP.ini" "${BASE}/webgateway/CSP.ini" || return 2
  rm -f "${WORK}/CSP.ini"
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

# Sets CSPSystem's password in IRIS (users live in IRISSYS, which is not mirrored, so each member sets its own).
# The session reads the password from stdin with `read pw`: it is on no command line, and the session's output is
# dropped because a terminal may echo what it reads. ChangePassword=0 and PasswordNeverExpires=1 because the stock
# image's predefined accounts must change their password at first login, which a gateway cannot do; Enabled=1 in
# case failed logins disabled the account. The outcome comes back through a file in the ./iris bind mount.
set_cspsystem_password() {
  local result="${BASE}/iris/cspsystem.result"
  rm -f "${result}"
  {
    printf 'read pw\n%s\n' "${CSP_PASSWORD}"
    cat <<'OBJECTSCRIPT'
set p("Password")=pw,p("ChangePassword")=0,p("PasswordNeverExpires")=1,p("Enabled")=1
set sc=##class(Security.Users).Modify("CSPSystem",.p) kill pw,p
set file="/iris/cspsystem.result" open file:"WNS" use file write $select(sc=1:"OK",1:$system.Status.GetErrorText(sc)) close file
halt
OBJECTSCRIPT
  } | docker exec -i iris iris session IRIS -U %SYS >/dev/null 2>&1 || true
  if [ "$(cat "${result}" 2>/dev/null)" = OK ]; then
    log "CSPSystem password set in IRIS"
  else
    log "could not set CSPSystem's password in IRIS ($(cat "${result}" 2>/dev/null || echo 'no answer')): the Web Gateway cannot log in"
    FAILED+=("CSPSystem password")
  fi
  rm -f "${result}"
}

# The Web Gateway starts after IRIS knows the password, so it never logs in with one IRIS does not have. A changed
# CSP.ini recreates the container: the container copies the staged file when it is created (InterSystems,
# "Synchronized Reconfiguration of Multiple Web Gateway Containers"), so a new container takes the new file at once.
start_webgateway() {
  local status=0
  write_csp_ini || status=$?
  case "${status}" in
    0)
      log "CSP.ini written with the CSPSystem password"
      compose up --detach --pull never --force-recreate webgateway
      ;;
    1) compose up --detach --pull never webgateway ;;
    *)
      log "could not write CSP.ini: the Web Gateway keeps the one it has"
      FAILED+=("CSP.ini")
      compose up --detach --pull never webgateway
      ;;
  esac
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
  write_attribute iris-csp-conf "${BASE}/webgateway/CSP.conf" 0644 root
  fetch_license
  fetch_csp_password
  pull_images
  compose up --detach --pull never iris
  wait_for_iris
  load_zmirror
  set_cspsystem_password
  start_webgateway
  # Before the claim, so that the retry is in place even if this first claim fails.
  install_vip_check
  claim_vip_if_primary
}

deploy_arbiter() {
  install -d -m 0755 "${BASE}"
  write_attribute iris-compose "${BASE}/docker-compose.yml" 0644 root
  pull_images
  compose up --detach --pull never
}

main() {
  log "role ${ROLE}"
  upgrade_packages_once
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

# Tests source this file with IRIS_STARTUP_LIBRARY=1 to run single functions against stub commands.
if [ "${IRIS_STARTUP_LIBRARY:-}" != 1 ]; then
  main "$@"
fi
