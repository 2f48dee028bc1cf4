import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { ValidatedManifest } from '../k8s/manifest';
import { NamespacedGrant } from '../k8s/rbac';
import { namespaceAccountEmail, namespaceAccountId, namespaceRbacName } from './names';

export interface MeshNamespaceProps {
  readonly name: string;
  readonly project: string;
  /** Istio revision whose sidecar injector serves the namespace (label istio.io/rev). */
  readonly istioRevision: string;
  /**
   * Map the namespace's Google account `k8s-<namespace>` to it (the seed's google-service-account-template.yaml): a
   * Role and RoleBinding for the account and a WorkloadGroup naming it.
   * @default true
   */
  readonly googleAccount?: boolean;
}

/**
 * A namespace in the mesh. With `googleAccount`, Cloud Run services running as `k8s-<namespace>` act in it: the account
 * may create tokens of the namespace's `default` service account (audience-scoped, for the mesh's CA and istiod) and
 * read the `mesh-env` ConfigMap and `sshdebug` Secret; the WorkloadGroup ties the account to the namespace's workloads.
 */
export class MeshNamespace extends Construct {
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: MeshNamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, 'Resource', {
      metadata: { name: props.name, labels: { 'istio.io/rev': props.istioRevision } },
    });
    if (props.googleAccount === false) return;

    const name = namespaceRbacName(props.project);
    const accountEmail = namespaceAccountEmail(props.name, props.project);
    new NamespacedGrant(this, 'google-account', {
      name,
      namespace: props.name,
      rules: [
        { apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['default'], verbs: ['create', 'get'] },
        // Per-namespace mesh settings; the launcher falls back to istio-system/mesh-env.
        { apiGroups: [''], resources: ['configmaps'], resourceNames: ['mesh-env'], verbs: ['get'] },
        // Keys for the launcher's debug sshd (krun samples/ssh).
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['sshdebug'], verbs: ['get'] },
      ],
      // GKE authenticates a Google service account as the Kubernetes user named by its email.
      subjects: [{ kind: 'User', name: accountEmail }],
      dependsOn: [this.namespace],
    });
    new ValidatedManifest(this, 'workload-group', {
      model: istio.workloadGroup({
        metadata: { name, namespace: props.name },
        spec: {
          metadata: {
            labels: { 'cr-google-service-account': `${namespaceAccountId(props.name)}.${props.project}` },
            annotations: { 'security.cloud.google.com/IdentityProvider': 'google' },
          },
          template: { serviceAccount: accountEmail },
        },
      }),
      dependsOn: [this.namespace],
    });
  }
}
