import { Fn } from 'cdktf';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';

export interface GkeAccessProps {
  readonly project: string;
  readonly clusterName: string;
  /** Zone or region of the cluster. */
  readonly location: string;
  /**
   * Also configure the helm provider.
   * @default false
   */
  readonly helm?: boolean;
}

/**
 * The kubernetes (and helm) providers of an in-cluster stack, pointed at an existing GKE cluster through data
 * sources: the endpoint and CA come from the cluster, the token is the caller's Google access token. No cross-stack
 * reference is needed, only the cluster's name and location from config.
 */
export class GkeAccess extends Construct {
  readonly kubernetes: KubernetesProvider;
  readonly helm?: HelmProvider;

  constructor(scope: Construct, id: string, props: GkeAccessProps) {
    super(scope, id);
    const cluster = new DataGoogleContainerCluster(this, 'cluster', {
      name: props.clusterName,
      location: props.location,
      project: props.project,
    });
    const client = new DataGoogleClientConfig(this, 'client');
    const connection = {
      host: `https://${cluster.endpoint}`,
      token: client.accessToken,
      clusterCaCertificate: Fn.base64decode(cluster.masterAuth.get(0).clusterCaCertificate),
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', connection);
    if (props.helm) {
      this.helm = new HelmProvider(this, 'helm', {});
      // helm provider 3.x takes `kubernetes` as an attribute (`kubernetes = {...}`); the typed property renders as a
      // block in HCL, which Terraform rejects. An override is written as an attribute in both JSON and HCL.
      this.helm.addOverride('kubernetes', {
        host: connection.host,
        token: connection.token,
        cluster_ca_certificate: connection.clusterCaCertificate,
      });
    }
  }
}
