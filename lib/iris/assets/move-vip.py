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

Exit codes: 0 the VIP is on this VM (moved, or already there); 1 the move failed or ran out of time;
2 the settings are missing or wrong.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

NIC = "nic0"
RETRYABLE = {429, 500, 502, 503, 504}


class Failure(Exception):
    """The move cannot complete; the message says why."""


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

    def sleep(self, seconds):
        if self.remaining() <= seconds:
            raise Failure("gave up after %ds (deadline)" % self.seconds)
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
            except (urllib.error.URLError, OSError) as error:
                problem = str(getattr(error, "reason", error))
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
            raise Failure("%s %s: HTTP %d %s" % (method, path, status, text.strip()[:300]))
        return status, (json.loads(text) if text.strip() else {})


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

    def remove_access_config(self, peer, zone):
        what = "detach %s from %s" % (self.public_address, peer)
        nic = self.nic(peer, zone)
        if nic is None or not any(c.get("name") == self.public_address for c in nic.get("accessConfigs", [])):
            log("%s: already in place" % what)
            return
        path = "%s/deleteAccessConfig?%s" % (
            self.instance_path(peer, zone),
            urllib.parse.urlencode({"accessConfig": self.public_address, "networkInterface": NIC}),
        )
        _, operation = self.api.compute("POST", path)
        self.wait(operation, what)

    def add_access_config(self, ip):
        what = "attach %s (%s) to %s" % (self.public_address, ip, self.name)
        configs = self.nic(self.name, self.zone).get("accessConfigs", [])
        if any(c.get("natIP") == ip for c in configs):
            log("%s: already in place" % what)
            return
        if configs:
            raise Failure("%s: %s already has access config %s" % (what, NIC, configs[0].get("name")))
        path = "%s/addAccessConfig?networkInterface=%s" % (self.instance_path(self.name, self.zone), NIC)
        body = {"name": self.public_address, "natIP": ip, "type": "ONE_TO_ONE_NAT"}
        _, operation = self.api.compute("POST", path, body)
        self.wait(operation, what)

    def run(self):
        self.read_settings()
        peers = [(m, z) for m, z in sorted(self.members.items()) if m != self.name]
        log("moving %s to %s (%s); peers: %s" % (self.alias, self.name, self.zone, ", ".join(p for p, _ in peers)))
        for peer, zone in peers:
            self.remove_alias(peer, zone)
        self.add_alias()
        if self.public_address:
            ip = self.public_ip()
            for peer, zone in peers:
                self.remove_access_config(peer, zone)
            self.add_access_config(ip)
        log("done: %s%s is on %s" % (self.alias, " and %s" % self.public_address if self.public_address else "", self.name))


def main(argv):
    parser = argparse.ArgumentParser(description="Move the IRIS mirror VIP to this VM.")
    parser.add_argument("--deadline", type=float, default=180, help="give up after this many seconds (180)")
    parser.add_argument("--poll-interval", type=float, default=2, help="seconds between operation polls (2)")
    parser.add_argument("--retry-delay", type=float, default=1, help="first retry backoff in seconds (1)")
    args = parser.parse_args(argv)
    clock = Clock(args.deadline)
    api = Api(clock, args.retry_delay)
    try:
        Mover(api, clock, args.poll_interval).run()
    except BadSettings as error:
        print("move-vip: bad settings: %s" % error, file=sys.stderr, flush=True)
        return 2
    except Failure as error:
        print("move-vip: failed: %s" % error, file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
