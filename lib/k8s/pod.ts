/**
 * The parts of the Kubernetes pod API that we hand to Helm charts as values, in the API's own field names. Typed
 * kubernetes_* resources use the provider's structs instead, which take the same security context object.
 */
export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
}

/** A probe by HTTP GET, or by a TCP connect where a path would be refused or say more than is asked. */
export type Probe = {
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
} & (
  | { readonly httpGet: { readonly path: string; readonly port: number } }
  | { readonly tcpSocket: { readonly port: number } }
);

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

/**
 * What every container of ours runs with, the security baseline's container rules (lib/policy/rules/kubernetes.ts):
 * the pod security "restricted" profile's container part (no privilege escalation, every capability dropped, the
 * runtime's default seccomp profile, not root) and a read-only root filesystem, with an emptyDir where an image writes.
 * An image that runs as root, or names its user instead of giving a UID, also needs runAsUser: the kubelet refuses
 * to start it under runAsNonRoot otherwise.
 */
export const RESTRICTED_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export type SecurityContext = typeof RESTRICTED_SECURITY_CONTEXT & { readonly runAsUser?: number };

/**
 * A UID for images that run as root by default and own no files they need at run time: the nonroot user of Google's
 * distroless images (the Cloud SQL Auth Proxy image runs as it).
 */
export const UNPRIVILEGED_UID = 65532;

export interface Container {
  readonly name: string;
  readonly image: string;
  /** Pull on every start: a tag can move, and a node's cached copy skips the registry's access check. */
  readonly imagePullPolicy: 'Always';
  /** `Always` on an init container makes it a native sidecar (Kubernetes 1.29+): it runs for the pod's lifetime. */
  readonly restartPolicy?: 'Always';
  readonly args?: readonly string[];
  readonly securityContext: SecurityContext;
  readonly resources: { readonly requests: ResourceList; readonly limits: ResourceList };
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly volumeMounts?: readonly VolumeMount[];
}

export interface SecretVolume {
  readonly name: string;
  readonly secret: { readonly secretName: string };
}
