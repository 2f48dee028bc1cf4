import type { IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import type { IGateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import type { IServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import type { ISidecar } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar';
import type { IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import type { IWorkloadEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry';
import type { IWorkloadGroup } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadGroup';
import type { IPeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import type { KubernetesModel } from './manifest';

type Body<T> = Omit<T, 'apiVersion' | 'kind'> & { readonly metadata: { readonly name: string; readonly namespace?: string } };

/**
 * An Istio object typed by @kubernetes-models/istio's interfaces. Only the types are imported: the model classes load
 * ajv and compile their schema on first use (about 300 ms), so the synth bundle checks these objects with the same
 * schemas compiled ahead of time (scripts/istio-validators.js), and `validate()` loads the model class only when that is absent.
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

  validate(): void {
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
