import { stringify } from 'yaml';
import { manifestYaml } from '../../../lib/k8s/manifest';
import type { Attrs, Case } from './case';

/** A container that every Kubernetes rule passes, in the provider's spelling. */
export const COMPLIANT_CONTAINER: Attrs = {
  name: 'app',
  image: 'registry.example.com:5000/team/app:1.4.2',
  image_pull_policy: 'Always',
  liveness_probe: { http_get: { path: '/livez', port: '8080' } },
  readiness_probe: { http_get: { path: '/readyz', port: '8080' } },
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } },
  security_context: {
    run_as_non_root: true,
    allow_privilege_escalation: false,
    read_only_root_filesystem: true,
    capabilities: { drop: ['ALL'] },
    seccomp_profile: { type: 'RuntimeDefault' },
  },
};

/** `base` with `changes` applied; a key changed to undefined is left out. */
function changed(base: Attrs, changes: Attrs): Attrs {
  return Object.fromEntries(Object.entries({ ...base, ...changes }).filter(([, value]) => value !== undefined));
}

const securityContext = (changes: Attrs) => ({
  security_context: { ...(COMPLIANT_CONTAINER.security_context as Attrs), ...changes },
});

/** A pod template of one container with no service account token, in the provider's spelling. */
function podTemplate(containerChanges: Attrs, podChanges: Attrs): Attrs {
  return {
    metadata: { labels: { app: 'app' } },
    spec: {
      automount_service_account_token: false,
      container: [changed(COMPLIANT_CONTAINER, containerChanges)],
      ...podChanges,
    },
  };
}

/** A kubernetes_deployment_v1 in namespace apps. */
export function deployment(containerChanges: Attrs = {}, podChanges: Attrs = {}): Attrs {
  return {
    metadata: { name: 'app', namespace: 'apps' },
    spec: { selector: { match_labels: { app: 'app' } }, template: podTemplate(containerChanges, podChanges) },
  };
}

/** A kubernetes_job_v1 in namespace apps. */
function job(containerChanges: Attrs = {}): Attrs {
  return {
    metadata: { name: 'once', namespace: 'apps' },
    spec: { template: podTemplate(containerChanges, { restart_policy: 'Never' }) },
  };
}

/** A kubernetes_manifest written as lib/k8s/manifest.ts writes one: `${yamldecode("<one line of flow YAML>")}`. */
export function manifest(object: Attrs): Attrs {
  const yaml = manifestYaml({
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    validate: () => undefined,
    toJSON: () => object,
  });
  return { manifest: `\${yamldecode("${yaml}")}` };
}

/** A Knative Service whose one container is `user` (API spelling). */
function knativeService(user: Attrs): Attrs {
  return manifest({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'apps' },
    spec: { template: { spec: { automountServiceAccountToken: false, containers: [user] } } },
  });
}

/** A helm_release of the skypilot chart with `init` as its extraInitContainers (API spelling). */
export function skypilotRelease(init: Attrs[]): Attrs {
  return { name: 'skypilot', chart: 'skypilot', values: [stringify({ extraInitContainers: init })] };
}

const API_CONTAINER: Attrs = {
  name: 'app',
  image: 'example/app:1.0',
  imagePullPolicy: 'Always',
  restartPolicy: 'Always',
  livenessProbe: { httpGet: { path: '/livez', port: 9090 } },
  readinessProbe: { httpGet: { path: '/readyz', port: 9090 } },
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '64Mi' } },
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

const DEPLOYMENT = 'kubernetes_deployment_v1';

export const KUBERNETES_CASES: Record<string, Case> = {
  CKV_K8S_8: { type: DEPLOYMENT, fails: deployment({ liveness_probe: undefined }), passes: deployment() },
  CKV_K8S_9: {
    type: 'kubernetes_manifest',
    fails: knativeService(changed(API_CONTAINER, { restartPolicy: undefined, readinessProbe: undefined })),
    passes: knativeService(changed(API_CONTAINER, { restartPolicy: undefined })),
  },
  CKV_K8S_10: {
    type: 'helm_release',
    fails: skypilotRelease([
      { ...API_CONTAINER, resources: { requests: { memory: '64Mi' }, limits: { memory: '64Mi' } } },
    ]),
    passes: skypilotRelease([API_CONTAINER]),
  },
  CKV_K8S_12: {
    type: DEPLOYMENT,
    fails: deployment({ resources: { requests: { cpu: '1', memory: '1Gi' } } }),
    passes: deployment(),
  },
  CKV_K8S_13: { type: 'kubernetes_job_v1', fails: job({ resources: { limits: { memory: '1Gi' } } }), passes: job() },
  CKV_K8S_14: { type: DEPLOYMENT, fails: deployment({ image: 'example/app:latest' }), passes: deployment() },
  CKV_K8S_15: { type: DEPLOYMENT, fails: deployment({ image_pull_policy: 'IfNotPresent' }), passes: deployment() },
  CKV_K8S_16: { type: DEPLOYMENT, fails: deployment(securityContext({ privileged: true })), passes: deployment() },
  CKV_K8S_17: {
    type: DEPLOYMENT,
    fails: deployment({}, { host_pid: true }),
    passes: deployment({}, { host_pid: false }),
  },
  CKV_K8S_18: { type: DEPLOYMENT, fails: deployment({}, { host_ipc: true }), passes: deployment() },
  CKV_K8S_19: { type: DEPLOYMENT, fails: deployment({}, { host_network: true }), passes: deployment() },
  CKV_K8S_20: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ allow_privilege_escalation: undefined })),
    passes: deployment(),
  },
  CKV_K8S_21: {
    type: 'kubernetes_service_v1',
    fails: { metadata: { name: 'api', namespace: 'default' }, spec: { port: [{ port: 80 }] } },
    passes: { metadata: { name: 'api', namespace: 'apps' }, spec: { port: [{ port: 80 }] } },
  },
  CKV_K8S_22: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ read_only_root_filesystem: false })),
    passes: deployment(),
  },
  CKV_K8S_23: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ run_as_non_root: undefined })),
    // A UID above 0 at the pod level is enough, as the kubelet applies it to every container.
    passes: deployment(securityContext({ run_as_non_root: undefined }), { security_context: { run_as_user: '1000' } }),
  },
  CKV_K8S_25: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })),
    passes: deployment(),
  },
  CKV_K8S_26: {
    type: DEPLOYMENT,
    fails: deployment({ port: [{ container_port: 8080, host_port: 8080 }] }),
    passes: deployment({ port: [{ container_port: 8080 }] }),
  },
  CKV_K8S_27: {
    type: DEPLOYMENT,
    fails: deployment({}, { volume: [{ name: 'docker', host_path: { path: '/var/run/docker.sock' } }] }),
    passes: deployment({}, { volume: [{ name: 'tmp', empty_dir: {} }] }),
  },
  CKV_K8S_28: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ capabilities: { drop: ['CHOWN'] } })),
    passes: deployment(securityContext({ capabilities: { drop: ['NET_RAW'] } })),
  },
  CKV_K8S_30: { type: DEPLOYMENT, fails: deployment({ security_context: undefined }), passes: deployment() },
  CKV_K8S_31: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ seccomp_profile: { type: 'Unconfined' } })),
    passes: deployment(),
  },
  CKV_K8S_37: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ capabilities: { drop: ['NET_RAW'] } })),
    passes: deployment(),
  },
  CKV_K8S_38: {
    type: DEPLOYMENT,
    fails: deployment({}, { automount_service_account_token: true }),
    passes: deployment(),
  },
  CKV_K8S_39: {
    type: DEPLOYMENT,
    fails: deployment(securityContext({ capabilities: { drop: ['ALL'], add: ['CAP_SYS_ADMIN'] } })),
    passes: deployment(),
  },
  CKV_K8S_41: {
    type: 'kubernetes_service_account_v1',
    fails: { metadata: { name: 'default', namespace: 'apps' } },
    passes: { metadata: { name: 'default', namespace: 'apps' }, automount_service_account_token: false },
  },
  CKV_K8S_42: {
    type: 'kubernetes_role_binding_v1',
    fails: {
      metadata: { name: 'read', namespace: 'apps' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
      subject: [{ kind: 'ServiceAccount', name: 'default', namespace: 'apps' }],
    },
    passes: {
      metadata: { name: 'read', namespace: 'apps' },
      role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
      subject: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'apps' }],
    },
  },
  CKV_K8S_49: {
    type: 'kubernetes_cluster_role_v1',
    fails: { metadata: { name: 'all' }, rule: [{ api_groups: [''], resources: ['pods'], verbs: ['*'] }] },
    passes: { metadata: { name: 'read' }, rule: [{ api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  },
  CKV_K8S_159: {
    type: DEPLOYMENT,
    fails: deployment({ env: [{ name: 'GITSYNC_GIT', value: '/tmp/evil' }] }),
    passes: deployment({ env: [{ name: 'GITSYNC_REPO', value: 'https://example.com/repo' }] }),
  },
};
