import { Construct } from 'constructs';
import { NamespacedGrant, RbacSubject } from '../k8s/rbac';
import { MESH_ENV } from './names';

export interface MeshSettingsAccessProps {
  /** The Cloud Run services' Google accounts, as Kubernetes users. */
  readonly readers: readonly RbacSubject[];
}

/**
 * Lets the Cloud Run launchers read the mesh settings in istio-system: the seed's Role `istio-autoconf`
 * (manifests/hgate/istio-system-discovery-rbac.yaml), renamed so that a cluster that already has the seed's keeps it.
 * The launcher reads `mesh-env` there before it listens, and a 403 ends it (krun 85cf58f, pkg/mesh/k8s_client.go
 * loadMeshEnv: only a 404 is tolerated), so this exists before any service starts, whoever installed the gateway. The
 * seed binds it to `system:authenticated`, which on GKE is any Google account; here to the services' accounts only.
 */
export class MeshSettingsAccess extends Construct {
  constructor(scope: Construct, id: string, props: MeshSettingsAccessProps) {
    super(scope, id);
    new NamespacedGrant(this, 'Resource', {
      name: 'cloudrun-mesh-autoconf',
      namespace: MESH_ENV.namespace,
      labels: { 'app.kubernetes.io/part-of': 'cloudrun-mesh' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [MESH_ENV.name, 'env-asm-managed', 'istio-ca-root-cert', 'istio'],
          verbs: ['get'],
        },
        // Where launchers find the gateway's load balancer addresses.
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
      ],
      subjects: props.readers,
    });
  }
}
