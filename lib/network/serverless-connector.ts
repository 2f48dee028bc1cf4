import { VpcAccessConnector } from '@cdktf/provider-google/lib/vpc-access-connector';
import { Construct } from 'constructs';

export interface ServerlessConnectorProps {
  /** At most 25 characters. */
  readonly name: string;
  readonly project: string;
  /** Region of the Cloud Run services that use it. */
  readonly region: string;
  /** VPC network (name or self link) whose private addresses the services reach. */
  readonly network: string;
  /** An unused /28 of that network. */
  readonly ipCidrRange: string;
  /** @default 2 */
  readonly minInstances?: number;
  /** @default 10 */
  readonly maxInstances?: number;
  /** @default e2-micro */
  readonly machineType?: string;
}

/**
 * A Serverless VPC Access connector: VMs in a /28 of the network that carry Cloud Run's egress to private addresses.
 * Scaling is by instance count, the form gcloud uses (`--min-instances 2 --max-instances 10`).
 */
export class ServerlessConnector extends Construct {
  readonly connector: VpcAccessConnector;
  /** `projects/<project>/locations/<region>/connectors/<name>`, what `vpc_access.connector` takes. */
  readonly id: string;

  constructor(scope: Construct, id: string, props: ServerlessConnectorProps) {
    super(scope, id);
    this.connector = new VpcAccessConnector(this, 'Resource', {
      name: props.name,
      project: props.project,
      region: props.region,
      network: props.network,
      ipCidrRange: props.ipCidrRange,
      minInstances: props.minInstances ?? 2,
      maxInstances: props.maxInstances ?? 10,
      machineType: props.machineType ?? 'e2-micro',
    });
    this.id = this.connector.id;
  }
}
