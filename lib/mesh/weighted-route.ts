import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { istio } from '../k8s/istio';
import { ValidatedManifest } from '../k8s/manifest';
import { cloudRunMeshHost, meshService } from './cloud-run-entry';

export interface WeightedBackend {
  /** First label of the Cloud Run service's URL host. */
  readonly urlHost: string;
  readonly namespace: string;
  /** Percent of requests; the backends of a route add up to 100. */
  readonly weight: number;
}

export interface WeightedRouteProps {
  readonly name: string;
  readonly namespace: string;
  readonly backends: readonly WeightedBackend[];
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One name for several Cloud Run services (regions, versions), split by weight: a Service `name` and a VirtualService
 * that sends its requests to the services' mesh hosts (the seed's `myservice`, 25/75).
 */
export class WeightedRoute extends Construct {
  constructor(scope: Construct, id: string, props: WeightedRouteProps) {
    super(scope, id);
    const { name, namespace, dependsOn } = props;
    const total = props.backends.reduce((sum, backend) => sum + backend.weight, 0);
    if (total !== 100) throw new Error(`route ${namespace}/${name}: backend weights add up to ${total}, not 100`);
    meshService(this, 'service', { name, namespace, dependsOn });
    new ValidatedManifest(this, 'route', {
      model: istio.virtualService({
        metadata: { name, namespace },
        spec: {
          hosts: [name, `${name}.${namespace}.svc`],
          http: [
            {
              route: props.backends.map((backend) => ({
                destination: { host: cloudRunMeshHost(backend.urlHost, backend.namespace) },
                weight: backend.weight,
              })),
            },
          ],
        },
      }),
      dependsOn,
    });
  }
}
