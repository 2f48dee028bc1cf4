import { ITerraformDependable } from 'cdktf';
import { KnativeServing } from '@kubernetes-models/knative/operator.knative.dev/v1beta1/KnativeServing';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { helmValuesYaml } from '../helm/values';
import { CrdPresence, KubernetesModel, ValidatedManifest } from '../k8s/manifest';

export const KNATIVE_OPERATOR_REPOSITORY = 'https://knative.github.io/operator';
export const CERT_MANAGER_REPOSITORY = 'https://charts.jetstack.io';
/** Ingress class Knative uses to hand routes to Kourier. */
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';
/** The ClusterIssuer Knative asks for certificates of external domains. */
export const LETSENCRYPT_ISSUER = 'letsencrypt';

/** CRDs the installation brings, in the order they appear. */
export const KNATIVE_SERVING_CRDS = {
  knativeServing: 'knativeservings.operator.knative.dev',
  service: 'services.serving.knative.dev',
  domainMapping: 'domainmappings.serving.knative.dev',
  clusterDomainClaim: 'clusterdomainclaims.networking.internal.knative.dev',
  clusterIssuer: 'clusterissuers.cert-manager.io',
} as const;

export interface KnativeServingInstallProps {
  /** Knative Operator chart version, such as v1.18.0. */
  readonly operatorVersion: string;
  /** Knative Serving release the operator installs, such as 1.18.0. */
  readonly servingVersion: string;
  /**
   * HTTPS for external domains with certificates from Let's Encrypt (HTTP-01 through Kourier): installs cert-manager
   * and a ClusterIssuer, and turns on Knative's external-domain-tls with HTTP to HTTPS redirects.
   * @default plain HTTP
   */
  readonly tls?: { readonly acmeEmail: string; readonly certManagerVersion: string };
  /**
   * A reserved regional external address for Kourier's load balancer (the operator's
   * spec.ingress.kourier.service-load-balancer-ip, which sets the Service's loadBalancerIP).
   * @default an ephemeral address GKE picks
   */
  readonly loadBalancerAddress?: string;
  /**
   * The domain Knative gives Services (config-domain), such as `<address>.sslip.io`.
   * @default svc.cluster.local: reachable inside the cluster only
   */
  readonly defaultDomain?: string;
}

/** Kourier settings of KnativeServing; the operator (knative/operator ingressconfiguration.go) has more than the typed model. */
type KourierSettings = NonNullable<NonNullable<NonNullable<KnativeServing['spec']>['ingress']>['kourier']> & {
  readonly 'service-load-balancer-ip'?: string;
};

/** The ACME ClusterIssuer of cert-manager.io/v1, the fields used here. */
function letsEncryptIssuer(email: string): KubernetesModel {
  const issuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: LETSENCRYPT_ISSUER },
    spec: {
      acme: {
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        email,
        privateKeySecretRef: { name: `${LETSENCRYPT_ISSUER}-account-key` },
        solvers: [{ http01: { ingress: { class: KOURIER_INGRESS_CLASS } } }],
      },
    },
  };
  return {
    ...issuer,
    validate: () => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`spec.acme.email must be an email address`);
    },
    toJSON: () => issuer,
  };
}

/**
 * Knative Serving with Kourier, installed and upgraded by the Knative Operator (a Helm release) from a
 * `KnativeServing` resource, plus cert-manager and a Let's Encrypt issuer when TLS is wanted. This replaces the GKE
 * "CloudRun" add-on, which GKE no longer offers. Custom resources wait for their CRDs (see CrdPresence): on a fresh
 * cluster, the operator comes first and the `KnativeServing` on the next deploy.
 */
export class KnativeServingInstall extends Construct {
  readonly operator: Release;
  readonly serving: ValidatedManifest;
  /** What Knative workloads are created after. */
  readonly ready: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: KnativeServingInstallProps) {
    super(scope, id);
    this.operator = new Release(this, 'operator', {
      name: 'knative-operator',
      namespace: 'knative-operator',
      createNamespace: true,
      repository: KNATIVE_OPERATOR_REPOSITORY,
      chart: 'knative-operator',
      version: props.operatorVersion,
      atomic: true,
      cleanupOnFail: true,
    });
    const namespace = new NamespaceV1(this, 'namespace', { metadata: { name: 'knative-serving' } });
    const servingNeeds: ITerraformDependable[] = [this.operator, namespace];

    const network: Record<string, string> = { 'ingress-class': KOURIER_INGRESS_CLASS };
    const config: Record<string, Record<string, string>> = { network };
    if (props.tls) {
      const certManager = new Release(this, 'cert-manager', {
        name: 'cert-manager',
        namespace: 'cert-manager',
        createNamespace: true,
        repository: CERT_MANAGER_REPOSITORY,
        chart: 'cert-manager',
        version: props.tls.certManagerVersion,
        values: [helmValuesYaml({ crds: { enabled: true } })],
        atomic: true,
        cleanupOnFail: true,
      });
      const issuer = new ValidatedManifest(this, 'issuer', {
        model: letsEncryptIssuer(props.tls.acmeEmail),
        awaitCrd: new CrdPresence(this, 'issuer-crd', KNATIVE_SERVING_CRDS.clusterIssuer),
        dependsOn: [certManager],
      });
      servingNeeds.push(certManager, issuer.manifest);
      // http-protocol stays Enabled: Redirected would redirect the ACME HTTP-01 challenge as well (net-kourier
      // ingress_translator.go), to an HTTPS listener Kourier opens only once a certificate exists, so the first
      // certificate would never be issued (knative/serving#12527). Redirect per domain once it has its certificate.
      network['external-domain-tls'] = 'Enabled';
      config.certmanager = { issuerRef: `{kind: ClusterIssuer, name: ${LETSENCRYPT_ISSUER}}` };
    }

    const kourier: KourierSettings = {
      enabled: true,
      ...(props.loadBalancerAddress === undefined ? {} : { 'service-load-balancer-ip': props.loadBalancerAddress }),
    };
    if (props.defaultDomain !== undefined) config.domain = { [props.defaultDomain]: '' };
    this.serving = new ValidatedManifest(this, 'serving', {
      model: new KnativeServing({
        metadata: { name: 'knative-serving', namespace: 'knative-serving' },
        spec: { version: props.servingVersion, ingress: { kourier }, config },
      }),
      awaitCrd: new CrdPresence(this, 'serving-crd', KNATIVE_SERVING_CRDS.knativeServing),
      waitReady: true,
      dependsOn: servingNeeds,
    });
    this.ready = [this.serving.manifest];
  }
}
