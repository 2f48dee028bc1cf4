/**
 * The parts of the Kubernetes pod API that we hand to Helm charts as values, in the API's own field names. Typed
 * kubernetes_* resources use the provider's structs instead.
 */
export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface Probe {
  readonly httpGet: { readonly path: string; readonly port: number };
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  /** `Always` on an init container makes it a native sidecar (Kubernetes 1.29+): it runs for the pod's lifetime. */
  readonly restartPolicy?: 'Always';
  readonly args?: readonly string[];
  readonly securityContext?: {
    readonly runAsNonRoot?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly capabilities?: { readonly drop: readonly string[] };
  };
  readonly resources?: { readonly requests?: ResourceList; readonly limits?: ResourceList };
  readonly startupProbe?: Probe;
  readonly volumeMounts?: readonly VolumeMount[];
}

export interface SecretVolume {
  readonly name: string;
  readonly secret: { readonly secretName: string };
}
