import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** One network interface as the Compute API shows it. */
export interface FakeNic {
  fingerprint: string;
  aliasIpRanges: { ipCidrRange: string }[];
  accessConfigs: { name: string; natIP: string; type?: string }[];
}

export interface FakeInstance {
  zone: string;
  nic: FakeNic;
}

/** The request bodies move-vip.py sends. */
interface RequestBody {
  fingerprint?: string;
  aliasIpRanges?: { ipCidrRange: string }[];
  name?: string;
  natIP?: string;
  type?: string;
}

/**
 * Failures to inject: the next N requests matching a method and path fragment get this status. With `afterApply`,
 * the request takes effect first and only its response is lost (as a timeout after the change, or a 5xx from a proxy);
 * with `body`, the response is that text instead of the usual JSON.
 */
export interface Fault {
  method: string;
  pathIncludes: string;
  status: number;
  times: number;
  afterApply?: boolean;
  body?: string;
  /** Send the headers and half the promised body, then close the connection (a response cut in transit). */
  cut?: boolean;
}

/**
 * A fake Google metadata server and Compute Engine API on 127.0.0.1, enough for lib/iris/assets/move-vip.py:
 * instances with nic0, fingerprint checks (412 on a stale one), zone operations that need several polls, regional
 * addresses, and injected faults. Every request is logged for assertions.
 */
export class FakeGoogle {
  readonly project = 'test-project';
  readonly instances: Record<string, FakeInstance> = {};
  readonly addresses: Record<string, string> = {};
  readonly attributes: Record<string, string> = {};
  readonly faults: Fault[] = [];
  readonly requests: string[] = [];
  /** Polls an operation needs before it reports DONE. */
  pollsPerOperation = 0;
  /** The next N operations on paths containing this text end DONE with an error, the change not applied. */
  failingOperations?: { pathIncludes: string; times: number; code: string; message: string };
  /** Permissions the caller's role grants; requests needing another get 403, as IAM answers. @default all */
  permissions?: Set<string>;
  /** Changes an instance's fingerprint between the program's read and its write, as a concurrent writer would. */
  concurrentWriteOn?: string;
  self = '';
  private server?: http.Server;
  private operations = new Map<
    string,
    { zone: string; pollsLeft: number; error?: { code: string; message: string } }
  >();
  private counter = 0;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const line = `${req.method} ${url.pathname}${url.search}`;
      this.requests.push(line);
      const fault = this.faults.find((f) => f.times > 0 && f.method === req.method && line.includes(f.pathIncludes));
      if (fault) fault.times--;
      if (fault?.cut) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '400' });
        res.write('{"name": "opera');
        return res.destroy();
      }
      if (fault && !fault.afterApply)
        return send(res, fault.status, fault.body ?? googleError(fault.status, 'injected'));
      try {
        const [status, payload] = url.pathname.startsWith('/computeMetadata/v1/')
          ? this.metadata(req, url.pathname.slice('/computeMetadata/v1/'.length))
          : this.compute(req.method ?? 'GET', url, body ? JSON.parse(body) : undefined, req.headers.authorization);
        if (fault) return send(res, fault.status, fault.body ?? googleError(fault.status, 'injected after the change'));
        send(res, status, payload);
      } catch (error) {
        send(res, 500, googleError(500, String(error)));
      }
    });
  }

  private metadata(req: http.IncomingMessage, path: string): [number, unknown] {
    if (req.headers['metadata-flavor'] !== 'Google') return [403, 'missing Metadata-Flavor'];
    const self = this.instances[this.self];
    const values: Record<string, string> = {
      'project/project-id': this.project,
      'instance/name': this.self,
      'instance/zone': `projects/123456/zones/${self?.zone}`,
      'instance/service-accounts/default/token': JSON.stringify({ access_token: 'fake-token', expires_in: 3600 }),
    };
    for (const [key, value] of Object.entries(this.attributes)) values[`instance/attributes/${key}`] = value;
    return path in values ? [200, values[path]] : [404, 'not found'];
  }

  private compute(method: string, url: URL, body: RequestBody | undefined, authorization?: string): [number, unknown] {
    if (authorization !== 'Bearer fake-token') return [401, { error: { message: 'no token' } }];
    const prefix = `/compute/v1/projects/${this.project}/`;
    if (!url.pathname.startsWith(prefix)) return [404, { error: { message: 'unknown project' } }];
    const parts = url.pathname.slice(prefix.length).split('/');
    const needed = permissionFor(method, parts);
    if (this.permissions && needed && !this.permissions.has(needed)) {
      return [
        403,
        googleError(403, `Required '${needed}' permission for 'projects/${this.project}/${parts.join('/')}'`),
      ];
    }
    if (parts[0] === 'aggregated' && parts[1] === 'instances' && method === 'GET') return this.aggregated(url);
    if (parts[0] === 'regions' && parts[2] === 'addresses') {
      const address = this.addresses[parts[3]];
      return address ? [200, { name: parts[3], address }] : [404, { error: { message: 'no address' } }];
    }
    if (parts[0] !== 'zones') return [404, { error: { message: 'unknown path' } }];
    const zone = parts[1];
    if (this.downZones.has(zone)) return [503, googleError(503, `zone ${zone} is unavailable`)];
    if (parts[2] === 'operations') return this.poll(parts[3]);
    const name = parts[3];
    const instance = this.instances[name];
    if (!instance || instance.zone !== zone) return [404, { error: { message: `instance ${name} not in ${zone}` } }];
    const action = parts[4];
    if (!action && method === 'GET') {
      return [200, { name, networkInterfaces: [{ name: 'nic0', ...structuredClone(instance.nic) }] }];
    }
    if (url.searchParams.get('networkInterface') !== 'nic0') return [400, { error: { message: 'nic0 expected' } }];
    const failing = this.failingOperations;
    if (failing && failing.times > 0 && url.pathname.includes(failing.pathIncludes)) {
      failing.times--;
      return this.operation(zone, { code: failing.code, message: failing.message });
    }
    if (action === 'updateNetworkInterface' && method === 'PATCH') {
      if (this.concurrentWriteOn === name) {
        this.concurrentWriteOn = undefined;
        instance.nic.fingerprint = this.fingerprint();
      }
      if (!body?.aliasIpRanges || body.fingerprint !== instance.nic.fingerprint)
        return [412, { error: { message: 'fingerprint mismatch' } }];
      const inUse = Object.entries(this.instances).find(
        ([other, i]) =>
          other !== name &&
          i.nic.aliasIpRanges.some((r) => body.aliasIpRanges!.some((b) => b.ipCidrRange === r.ipCidrRange)),
      );
      if (inUse) return [400, { error: { message: `alias already used by ${inUse[0]}` } }];
      instance.nic.aliasIpRanges = body.aliasIpRanges!;
      instance.nic.fingerprint = this.fingerprint();
      return this.operation(zone);
    }
    if (action === 'deleteAccessConfig' && method === 'POST') {
      const config = url.searchParams.get('accessConfig');
      if (!instance.nic.accessConfigs.some((c) => c.name === config)) {
        return [
          400,
          googleError(400, `Invalid value for field 'accessConfig': '${config}'. The access config does not exist.`),
        ];
      }
      instance.nic.accessConfigs = instance.nic.accessConfigs.filter(
        (c) => c.name !== url.searchParams.get('accessConfig'),
      );
      return this.operation(zone);
    }
    if (action === 'addAccessConfig' && method === 'POST') {
      if (instance.nic.accessConfigs.length > 0) return [400, { error: { message: 'one access config per nic' } }];
      if (!body?.name || !body.natIP) return [400, { error: { message: 'name and natIP expected' } }];
      const owner = Object.entries(this.instances).find(([, i]) =>
        i.nic.accessConfigs.some((c) => c.natIP === body.natIP),
      );
      if (owner) return [400, { error: { message: `address in use by ${owner[0]}` } }];
      instance.nic.accessConfigs.push({ name: body.name, natIP: body.natIP, type: body.type });
      return this.operation(zone);
    }
    return [404, { error: { message: `unknown action ${method} ${action}` } }];
  }

  /** Zones whose API is down: instances there 503, and aggregated lists name them as unreachable. */
  readonly downZones = new Set<string>();

  /**
   * instances.aggregatedList with `filter=name = "<name>"`, as GCE answers it: every zone of the region under
   * `items["zones/<zone>"]`, those without a match carrying a NO_RESULTS_ON_PAGE warning.
   */
  private aggregated(url: URL): [number, unknown] {
    const name = /^name = "([^"]+)"$/.exec(url.searchParams.get('filter') ?? '')?.[1];
    if (!name) return [400, googleError(400, 'Invalid value for field filter')];
    const zones = ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f'];
    const items: Record<string, unknown> = {};
    for (const zone of zones.filter((z) => !this.downZones.has(z))) {
      const instance = this.instances[name];
      items[`zones/${zone}`] =
        instance && instance.zone === zone
          ? {
              instances: [
                { name, zone: `https://www.googleapis.com/compute/v1/projects/${this.project}/zones/${zone}` },
              ],
            }
          : { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope' } };
    }
    const unreachables = [...this.downZones].map((z) => `zones/${z}`);
    return [200, { kind: 'compute#instanceAggregatedList', items, ...(unreachables.length ? { unreachables } : {}) }];
  }

  private fingerprint(): string {
    return `fp-${++this.counter}`;
  }

  private operation(zone: string, error?: { code: string; message: string }): [number, unknown] {
    const name = `operation-${++this.counter}`;
    this.operations.set(name, { zone, pollsLeft: this.pollsPerOperation, error });
    return [200, this.operationView(name)];
  }

  private poll(name: string): [number, unknown] {
    const op = this.operations.get(name);
    if (!op) return [404, { error: { message: 'no operation' } }];
    if (op.pollsLeft > 0) op.pollsLeft--;
    return [200, this.operationView(name)];
  }

  private operationView(name: string): unknown {
    const op = this.operations.get(name)!;
    const done = op.pollsLeft === 0;
    return {
      name,
      zone: `https://compute.googleapis.com/compute/v1/projects/${this.project}/zones/${op.zone}`,
      status: done ? 'DONE' : 'RUNNING',
      // A failed operation is DONE with an error and an HTTP status, as GCE reports it.
      ...(done && op.error ? { error: { errors: [op.error] }, httpErrorStatusCode: 400 } : {}),
    };
  }
}

/** The IAM permission a Compute API call needs (the ones move-vip.py makes). */
function permissionFor(method: string, parts: string[]): string | undefined {
  if (parts[0] === 'aggregated') return 'compute.instances.list';
  if (parts[0] === 'regions') return 'compute.addresses.get';
  if (parts[0] !== 'zones') return undefined;
  if (parts[2] === 'operations') return 'compute.zoneOperations.get';
  const action = parts[4];
  if (!action) return method === 'GET' ? 'compute.instances.get' : undefined;
  return `compute.instances.${action}`;
}

/** An error body as Google APIs send it. */
function googleError(code: number, message: string): unknown {
  const reason = {
    400: 'badRequest',
    403: 'forbidden',
    404: 'notFound',
    429: 'rateLimitExceeded',
    503: 'backendError',
  }[code];
  return { error: { code, message, errors: [{ message, domain: 'global', reason: reason ?? 'backendError' }] } };
}

function send(res: http.ServerResponse, status: number, payload: unknown): void {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': typeof payload === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}
