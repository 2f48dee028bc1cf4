#!/usr/bin/env python3
"""Move the IRIS mirror VIP to this VM: what ZMIRROR's NotifyBecomePrimary runs on the new primary.

The VIP is an alias IP range on nic0 (and, when configured, a reserved external address attached as an access
config). The program takes them off the other mirror member and puts them on this VM through the Compute Engine
REST API, waiting for every zone operation. Python 3 standard library only (RHEL 9 ships 3.9).

Settings come from this VM's metadata, which Terraform writes:
  vip-alias-range     the alias range, e.g. 10.0.0.250/32
  vip-members         the failover members as name/zone pairs, comma-separated,
                      e.g. isc-primary-001/us-central1-a,isc-backup-001/us-central1-b
  vip-public-address  optional: name of the reserved regional external address (also the access config name)

Endpoints (for tests): GCE_METADATA_HOST (host[:port] of the metadata server, as Google's libraries read it) and
COMPUTE_API_BASE (default https://compute.googleapis.com/compute/v1).

Exit codes: 0 the VIP is on this VM (moved, or already there, whatever else failed on the way); 1 it is not, and
the last error says why; 2 the settings are missing or wrong.

What it survives: 429 and 5xx (retried with backoff), a fingerprint changed meanwhile (412: read again), slow zone
operations (polled), a peer that no longer exists or is listed in the wrong zone (found by name), a response lost after
the change was applied (the state is read again), and, once the peer has let go, any error adding the VIP here (tried
again until the deadline: the VIP must not stay on neither member). It does not retry TLS or DNS errors, which a retry
cannot fix: it says what failed instead. Anything it cannot fix, a systemd timer on each member retries a minute later.
"""

import argparse
import http.client
import json
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

NIC = "nic0"
RETRYABLE = {429, 500, 502, 503, 504}


class Failure(Exception):
    """The move cannot complete; the message says why. `status` is the HTTP status when an API refused the call."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Unfixable(Failure):
    """A failure that waiting does not fix (TLS, DNS): reported at once, never retried."""


class BadSettings(Exception):
    """Metadata settings are missing or inconsistent."""


class Conflict(Exception):
    """HTTP 412: the network interface changed since its fingerprint was read."""


def log(message):
    print("move-vip: " + message, flush=True)


class Clock:
    """A deadline for the whole run, so a stuck API never blocks the failover forever."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def remaining(self):
        return self.end - time.monotonic()

    def sleep(self, seconds, last_error=None):
        if self.remaining() <= seconds:
            raise Failure("gave up after %ds (deadline)%s" % (self.seconds, "; last error: %s" % last_error if last_error else ""))
        time.sleep(seconds)


class Api:
    def __init__(self, clock, retry_delay):
        self.clock = clock
        self.retry_delay = retry_delay
        host = os.environ.get("GCE_METADATA_HOST", "metadata.google.internal")
        self.metadata_base = "http://%s/computeMetadata/v1/" % host
        self.compute_base = os.environ.get("COMPUTE_API_BASE", "https://compute.googleapis.com/compute/v1").rstrip("/")
        self.token = None

    def request(self, method, url, headers, body=None):
        """Sends a request; retries 429, 5xx and connection errors with backoff. Returns (status, text)."""
        attempt = 0
        while True:
            data = None if body is None else json.dumps(body).encode()
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            if data is not None:
                req.add_header("Content-Type", "application/json")
            try:
                timeout = max(1.0, min(30.0, self.clock.remaining()))
                with urllib.request.urlopen(req, timeout=timeout) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                text = error.read().decode(errors="replace")
                if error.code not in RETRYABLE:
                    return error.code, text
                problem = "HTTP %d" % error.code
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", error)
                host = urllib.parse.urlsplit(url).netloc
                # Neither heals by waiting: a certificate that does not verify (no CA bundle) or a name that does not
                # exist. A reset handshake or a DNS server that does not answer now are retried like any outage.
                if isinstance(reason, ssl.SSLCertVerificationError):
                    raise Unfixable("TLS: the certificate of %s does not verify: %s (is a CA bundle installed where this runs?)"
                                    % (host, reason.verify_message or reason))
                if isinstance(reason, socket.gaierror) and reason.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
                    raise Unfixable("DNS: %s does not resolve: %s" % (host, reason))
                if isinstance(reason, ssl.SSLError):
                    problem = "TLS error: %s" % reason
                elif isinstance(reason, socket.gaierror):
                    problem = "DNS error: %s" % reason
                else:
                    problem = "%s: %s" % (type(reason).__name__, reason)
            delay = min(self.retry_delay * (2 ** attempt), 10 * self.retry_delay)
            attempt += 1
            log("%s %s: %s; retrying in %.1fs" % (method, url, problem, delay))
            self.clock.sleep(delay)

    def metadata(self, path):
        status, text = self.request("GET", self.metadata_base + path, {"Metadata-Flavor": "Google"})
        if status == 404:
            return None
        if status != 200:
            raise Failure("metadata %s: HTTP %d %s" % (path, status, text.strip()[:200]))
        return text

    def compute(self, method, path, body=None, ok_statuses=(200,)):
        if self.token is None:
            token = self.metadata("instance/service-accounts/default/token")
            if token is None:
                raise Failure("the VM has no service account token")
            self.token = json.loads(token)["access_token"]
        url = self.compute_base + "/" + path
        status, text = self.request(method, url, {"Authorization": "Bearer " + self.token}, body)
        if status == 412:
            raise Conflict(path)
        if status not in ok_statuses:
            raise Failure("%s %s: HTTP %d %s" % (method, path, status, text.strip()[:300]), status)
        try:
            return status, (json.loads(text) if text.strip() else {})
        except ValueError:
            raise Failure("%s %s: HTTP %d with a body that is not JSON: %r" % (method, path, status, text[:200]))


class Mover:
    def __init__(self, api, clock, poll_interval):
        self.api = api
        self.clock = clock
        self.poll_interval = poll_interval

    def read_settings(self):
        project = self.api.metadata("project/project-id")
        name = self.api.metadata("instance/name")
        zone_path = self.api.metadata("instance/zone")
        if not (project and name and zone_path):
            raise BadSettings("the metadata server did not return project, instance name and zone")
        self.project = project.strip()
        self.name = name.strip()
        self.zone = zone_path.strip().split("/")[-1]
        self.region = self.zone.rsplit("-", 1)[0]
        alias = self.api.metadata("instance/attributes/vip-alias-range")
        members = self.api.metadata("instance/attributes/vip-members")
        if not alias or not members:
            raise BadSettings("metadata attributes vip-alias-range and vip-members are required")
        self.alias = alias.strip()
        self.members = {}
        for entry in members.split(","):
            member, _, zone = entry.strip().partition("/")
            if not member or not zone:
                raise BadSettings("vip-members entry %r is not name/zone" % entry)
            self.members[member] = zone
        if self.name not in self.members:
            raise BadSettings("this VM (%s) is not one of vip-members %s" % (self.name, ", ".join(self.members)))
        public = self.api.metadata("instance/attributes/vip-public-address")
        self.public_address = public.strip() if public and public.strip() else None

    def instance_path(self, name, zone):
        return "projects/%s/zones/%s/instances/%s" % (self.project, zone, name)

    def nic(self, name, zone):
        """Returns nic0 of an instance, or None when the instance does not exist."""
        status, instance = self.api.compute("GET", self.instance_path(name, zone), ok_statuses=(200, 404))
        if status == 404:
            return None
        for nic in instance.get("networkInterfaces", []):
            if nic.get("name") == NIC:
                return nic
        raise Failure("%s has no %s" % (name, NIC))

    def locate(self, name, zone):
        """The zone the instance is in: `zone` as configured, another one found by name, or None when it is gone."""
        status, _ = self.api.compute("GET", self.instance_path(name, zone), ok_statuses=(200, 404))
        if status == 200:
            return zone
        query = urllib.parse.urlencode({"filter": 'name = "%s"' % name, "returnPartialSuccess": "true"})
        try:
            _, listing = self.api.compute("GET", "projects/%s/aggregated/instances?%s" % (self.project, query))
        except Unfixable:
            raise
        except Failure as error:
            # Claiming is still safe: GCE refuses an alias range that another instance holds.
            log("%s is not in %s, and looking for it elsewhere failed (%s): claiming anyway" % (name, zone, error))
            return None
        for scope in listing.get("items", {}).values():
            for instance in scope.get("instances", []):
                if instance.get("name") == name:
                    found = instance["zone"].split("/")[-1]
                    log("%s is in %s, not in %s as vip-members says" % (name, found, zone))
                    return found
        if listing.get("unreachables"):
            raise Failure("%s is not in %s, and zones %s did not answer" % (name, zone, ", ".join(listing["unreachables"])))
        log("%s does not exist (looked in every zone): nothing to take from it" % name)
        return None

    def wait(self, operation, what):
        """Polls a zone operation until DONE; fails on an operation error."""
        polls = 0
        while operation.get("status") != "DONE":
            self.clock.sleep(self.poll_interval)
            polls += 1
            zone = operation.get("zone", "").split("/")[-1]
            path = "projects/%s/zones/%s/operations/%s" % (self.project, zone, operation["name"])
            _, operation = self.api.compute("GET", path)
        if operation.get("error"):
            errors = operation["error"].get("errors", [])
            detail = "; ".join(e.get("message", e.get("code", "")) for e in errors) or json.dumps(operation["error"])
            raise Failure("%s failed: %s" % (what, detail))
        log("%s: done (%d polls)" % (what, polls))

    def set_aliases(self, name, zone, change, what):
        """Applies change(current alias list) -> new list or None (nothing to do); retries fingerprint conflicts."""
        while True:
            nic = self.nic(name, zone)
            if nic is None:
                log("%s: instance %s not found, nothing to change" % (what, name))
                return
            current = nic.get("aliasIpRanges", [])
            wanted = change(current)
            if wanted is None:
                log("%s: already in place" % what)
                return
            body = {"aliasIpRanges": wanted, "fingerprint": nic["fingerprint"]}
            path = "%s/updateNetworkInterface?networkInterface=%s" % (self.instance_path(name, zone), NIC)
            try:
                _, operation = self.api.compute("PATCH", path, body)
            except Conflict:
                log("%s: interface changed meanwhile (HTTP 412), reading it again" % what)
                self.clock.sleep(self.api.retry_delay)
                continue
            self.wait(operation, what)
            return

    def has_vip(self, ranges):
        return any(r.get("ipCidrRange") == self.alias for r in ranges)

    def remove_alias(self, peer, zone):
        zone = self.locate(peer, zone)
        if zone is None:
            return
        self.set_aliases(
            peer,
            zone,
            lambda ranges: [r for r in ranges if r.get("ipCidrRange") != self.alias] if self.has_vip(ranges) else None,
            "remove %s from %s" % (self.alias, peer),
        )

    def add_alias(self):
        self.set_aliases(
            self.name,
            self.zone,
            lambda ranges: None if self.has_vip(ranges) else ranges + [{"ipCidrRange": self.alias}],
            "add %s to %s" % (self.alias, self.name),
        )

    def public_ip(self):
        path = "projects/%s/regions/%s/addresses/%s" % (self.project, self.region, self.public_address)
        _, address = self.api.compute("GET", path)
        return address["address"]

    def own_nic(self):
        nic = self.nic(self.name, self.zone)
        if nic is None:
            raise Failure("this VM, %s, is not in zone %s" % (self.name, self.zone))
        return nic

    def has_access_config(self, name, zone):
        nic = self.nic(name, zone)
        return nic is not None and any(c.get("name") == self.public_address for c in nic.get("accessConfigs", []))

    def has_public_ip(self, ip):
        return any(c.get("natIP") == ip for c in self.own_nic().get("accessConfigs", []))

    def applied(self, call, done, what):
        """Runs a POST that is not idempotent: a 400 after a retried call whose first response was lost is fine
        when `done()` shows the change in place."""
        try:
            call()
        except Failure as error:
            if error.status != 400 or not done():
                raise
            log("%s: applied by an earlier attempt whose response was lost" % what)

    def remove_access_config(self, peer, zone):
        what = "detach %s from %s" % (self.public_address, peer)
        zone = self.locate(peer, zone)
        if zone is None or not self.has_access_config(peer, zone):
            log("%s: already in place" % what)
            return
        path = "%s/deleteAccessConfig?%s" % (
            self.instance_path(peer, zone),
            urllib.parse.urlencode({"accessConfig": self.public_address, "networkInterface": NIC}),
        )
        self.applied(
            lambda: self.wait(self.api.compute("POST", path)[1], what),
            lambda: not self.has_access_config(peer, zone),
            what,
        )

    def add_access_config(self, ip):
        what = "attach %s (%s) to %s" % (self.public_address, ip, self.name)
        configs = self.own_nic().get("accessConfigs", [])
        if any(c.get("natIP") == ip for c in configs):
            log("%s: already in place" % what)
            return
        if configs:
            raise Failure("%s: %s already has access config %s" % (what, NIC, configs[0].get("name")))
        path = "%s/addAccessConfig?networkInterface=%s" % (self.instance_path(self.name, self.zone), NIC)
        body = {"name": self.public_address, "natIP": ip, "type": "ONE_TO_ONE_NAT"}
        self.applied(lambda: self.wait(self.api.compute("POST", path, body)[1], what), lambda: self.has_public_ip(ip), what)

    def retry(self, step, what):
        """Runs a step again and again until the deadline. A peer stopping or under repair refuses changes for a while
        (400 resourceNotReady, an operation that ends in error); once it has let go, giving up on the add would leave
        the VIP on neither member. Only what waiting cannot fix ends it early."""
        attempt = 0
        while True:
            try:
                step()
                return
            except (Unfixable, BadSettings):
                raise
            except Exception as error:  # noqa: BLE001 - whatever the API did, the VIP must not stay half moved
                if str(error).startswith("gave up after"):
                    raise
                delay = min(self.api.retry_delay * (2 ** attempt), 10 * self.api.retry_delay)
                attempt += 1
                log("%s: %s; trying again in %.1fs" % (what, error, delay))
                self.clock.sleep(delay, last_error=error)

    def vip_here(self):
        """Whether the VIP (and the public address, when configured) is on this VM now."""
        if not self.has_vip(self.own_nic().get("aliasIpRanges", [])):
            return False
        return not self.public_address or self.has_public_ip(self.public_ip())

    def run(self):
        self.read_settings()
        peers = [(m, z) for m, z in sorted(self.members.items()) if m != self.name]
        log("moving %s to %s (%s); peers: %s" % (self.alias, self.name, self.zone, ", ".join(p for p, _ in peers)))
        # An alias range is on one instance at most: when it is here, no peer has it, whatever its zone's API says.
        if self.has_vip(self.own_nic().get("aliasIpRanges", [])):
            log("add %s to %s: already in place" % (self.alias, self.name))
        else:
            for peer, zone in peers:
                self.retry(lambda: self.remove_alias(peer, zone), "remove %s from %s" % (self.alias, peer))
            self.retry(self.add_alias, "add %s to %s" % (self.alias, self.name))
        if self.public_address:
            ip = self.public_ip()
            if self.has_public_ip(ip):
                log("attach %s (%s) to %s: already in place" % (self.public_address, ip, self.name))
            else:
                for peer, zone in peers:
                    self.retry(lambda: self.remove_access_config(peer, zone), "detach %s from %s" % (self.public_address, peer))
                self.retry(lambda: self.add_access_config(ip), "attach %s to %s" % (self.public_address, self.name))
        log("done: %s%s is on %s" % (self.alias, " and %s" % self.public_address if self.public_address else "", self.name))


def ca_bundle_missing():
    """Whether Python's TLS finds no CA certificates (an image without ca-certificates), so HTTPS cannot work."""
    paths = ssl.get_default_verify_paths()
    if paths.cafile:
        return False
    return not (paths.capath and os.path.isdir(paths.capath) and os.listdir(paths.capath))


def main(argv):
    parser = argparse.ArgumentParser(description="Move the IRIS mirror VIP to this VM.")
    parser.add_argument("--deadline", type=float, default=180, help="give up after this many seconds (180)")
    parser.add_argument("--poll-interval", type=float, default=2, help="seconds between operation polls (2)")
    parser.add_argument("--retry-delay", type=float, default=1, help="first retry backoff in seconds (1)")
    args = parser.parse_args(argv)
    clock = Clock(args.deadline)
    api = Api(clock, args.retry_delay)
    if api.compute_base.startswith("https:") and ca_bundle_missing():
        print("move-vip: failed: no CA certificates for TLS here (install ca-certificates, or run this on the host)",
              file=sys.stderr, flush=True)
        return 1
    mover = Mover(api, clock, args.poll_interval)
    try:
        mover.run()
    except BadSettings as error:
        print("move-vip: bad settings: %s" % error, file=sys.stderr, flush=True)
        return 2
    except Exception as error:  # noqa: BLE001 - a reason and the state check instead of a traceback
        reason = error if isinstance(error, Failure) else "unexpected API response (%s: %s)" % (type(error).__name__, error)
        print("move-vip: failed: %s" % reason, file=sys.stderr, flush=True)
        return 0 if vip_here_anyway(mover, args) else 1
    return 0


def vip_here_anyway(mover, args):
    """After a failure: "0 means the VIP is here" holds, so look once more, with a short budget of its own."""
    clock = Clock(min(30.0, args.deadline))
    mover.api = Api(clock, args.retry_delay)
    mover.clock = clock
    try:
        if mover.vip_here():
            log("the VIP is on this VM all the same")
            return True
    except Exception as error:  # noqa: BLE001
        log("could not check whether the VIP is here: %s" % error)
    return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
