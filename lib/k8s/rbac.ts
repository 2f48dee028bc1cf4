import { ITerraformDependable } from 'cdktf';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { Construct } from 'constructs';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  /** '' is the core group. */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Only these objects. @default every object of the resources */
  readonly resourceNames?: readonly string[];
}

/** Who a binding grants the role to. */
export type RbacSubject =
  | { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string }
  /** A user, such as a Google account's email on GKE. */
  | { readonly kind: 'User'; readonly name: string }
  | { readonly kind: 'Group'; readonly name: string };

export interface GrantProps {
  /** Name of the role. */
  readonly name: string;
  /** @default the role's name */
  readonly bindingName?: string;
  readonly rules: readonly PolicyRule[];
  readonly subjects: readonly RbacSubject[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
}

function rules(list: readonly PolicyRule[]) {
  return list.map((rule) => ({
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    verbs: [...rule.verbs],
    resourceNames: rule.resourceNames ? [...rule.resourceNames] : undefined,
  }));
}

function subjects(list: readonly RbacSubject[]) {
  return list.map((subject) =>
    subject.kind === 'ServiceAccount'
      ? { kind: subject.kind, name: subject.name, namespace: subject.namespace }
      : { kind: subject.kind, name: subject.name, apiGroup: RBAC_GROUP },
  );
}

/** A namespaced Role and the RoleBinding that grants it to `subjects`. */
export class NamespacedGrant extends Construct {
  readonly role: RoleV1;
  readonly binding: RoleBindingV1;

  constructor(scope: Construct, id: string, props: GrantProps & { readonly namespace: string }) {
    super(scope, id);
    const metadata = { namespace: props.namespace, labels: props.labels };
    this.role = new RoleV1(this, 'role', {
      metadata: { ...metadata, name: props.name },
      rule: rules(props.rules),
      dependsOn: props.dependsOn,
    });
    this.binding = new RoleBindingV1(this, 'binding', {
      metadata: { ...metadata, name: props.bindingName ?? props.name },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: props.name },
      subject: subjects(props.subjects),
      dependsOn: [this.role],
    });
  }
}

/** A ClusterRole and a ClusterRoleBinding that grants it to `subjects`. */
export class ClusterGrant extends Construct {
  readonly binding: ClusterRoleBindingV1;

  constructor(scope: Construct, id: string, props: GrantProps) {
    super(scope, id);
    const role = new ClusterRoleV1(this, 'role', {
      metadata: { name: props.name, labels: props.labels },
      rule: rules(props.rules),
      dependsOn: props.dependsOn,
    });
    this.binding = new ClusterRoleBindingV1(this, 'binding', {
      metadata: { name: props.bindingName ?? props.name, labels: props.labels },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: props.name },
      subject: subjects(props.subjects),
      dependsOn: [role],
    });
  }
}
