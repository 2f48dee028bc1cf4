import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import type { IServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import type { ISidecar } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import type { IWorkloadEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry';
import type { IWorkloadGroup } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadGroup';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import * as path from 'node:path';
import type { KubernetesModel } from './manifest';

/**
 * Defined in the synth bundle (esbuild define, see scripts/build.js): where the precompiled validators live and the
 * script that compiles them, relative to the bundle.
 */
declare const ISTIO_VALIDATORS: { readonly module: string; readonly compiler: string } | undefined;

type PrecompiledValidator = ((data: unknown) => boolean) & {
  errors?: { readonly instancePath: string; readonly message?: string }[] | null;
};
let precompiled: Record<string, PrecompiledValidator> | undefined;

/** The bundle's precompiled validators, compiled first if missing or stale; undefined outside the bundle. */
function precompiledValidators(): Record<string, PrecompiledValidator> | undefined {
  if (typeof ISTIO_VALIDATORS !== 'object') return undefined;
  if (!precompiled) {
    const file = path.resolve(__dirname, ISTIO_VALIDATORS.module);
    const compiler = path.resolve(__dirname, ISTIO_VALIDATORS.compiler);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain scripts beside the bundle
    (require(compiler) as { ensureIstioValidators(file: string): void }).ensureIstioValidators(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    precompiled = require(file) as Record<string, PrecompiledValidator>;
  }
  return precompiled;
}

type Body<T> = Omit<T, 'apiVersion' | 'kind'> & { readonly metadata: { readonly name: string; readonly namespace?: string } };

/**
 * An Istio object typed by @kubernetes-models/istio's interfaces. Only the types are imported: the model classes load
 * ajv and compile their schema on first use (about 300 ms), so in the synth bundle `validate()` uses the same schemas
 * compiled ahead of time (scripts/istio-validators.js); elsewhere it loads the model class.
 */
class IstioObject implements KubernetesModel {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
    private readonly body: Body<object>,
  ) {}

  get metadata() {
    return this.body.metadata;
  }

  toJSON(): Record<string, unknown> {
    return { apiVersion: this.apiVersion, kind: this.kind, ...this.body };
  }

  /** Throws the schema violations, as the model class does (`data/spec/... must be ...`). */
  validate(): void {
    const validator = precompiledValidators()?.[`${this.apiVersion}/${this.kind}`.replace(/[./]/g, '_')];
    if (validator) {
      if (!validator(this.toJSON())) {
        throw new Error((validator.errors ?? []).map((e) => `data${e.instancePath} ${e.message ?? 'is invalid'}`).join(', '));
      }
      return;
    }
    const modulePath = `@kubernetes-models/istio/${this.apiVersion}/${this.kind}`;
    // Loaded on demand: importing it costs what this class exists to avoid.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = (require(modulePath) as Record<string, new (data: object) => { validate(): void }>)[this.kind];
    new Model(this.body).validate();
  }
}

const NETWORKING = 'networking.istio.io/v1beta1';
const SECURITY = 'security.istio.io/v1beta1';

/** Istio objects (networking.istio.io and security.istio.io v1beta1, which Istio still serves next to v1). */
export const istio = {
  destinationRule: (body: Body<IDestinationRule>) => new IstioObject(NETWORKING, 'DestinationRule', body),
  gateway: (body: Body<IGateway>) => new IstioObject(NETWORKING, 'Gateway', body),
  serviceEntry: (body: Body<IServiceEntry>) => new IstioObject(NETWORKING, 'ServiceEntry', body),
  sidecar: (body: Body<ISidecar>) => new IstioObject(NETWORKING, 'Sidecar', body),
  virtualService: (body: Body<IVirtualService>) => new IstioObject(NETWORKING, 'VirtualService', body),
  workloadEntry: (body: Body<IWorkloadEntry>) => new IstioObject(NETWORKING, 'WorkloadEntry', body),
  workloadGroup: (body: Body<IWorkloadGroup>) => new IstioObject(NETWORKING, 'WorkloadGroup', body),
  peerAuthentication: (body: Body<IPeerAuthentication>) => new IstioObject(SECURITY, 'PeerAuthentication', body),
};
