import { Construct } from 'constructs';
import type { Config } from '../lib/config/schema';
import type { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';
import { CloudrunMeshStack } from './cloudrun-mesh';
import { CloudrunMeshK8sStack } from './cloudrun-mesh-k8s';
import { CloudrunMeshRoutesStack } from './cloudrun-mesh-routes';
import { CloudrunMeshServicesStack } from './cloudrun-mesh-services';
import { GkePlaygroundStack } from './gke-playground';
import { IlpConnectorStack } from './ilp-connector';
import { IlpConnectorAppStack } from './ilp-connector-app';
import { IrisMirrorStack } from './iris-mirror';
import { SkypilotStack } from './skypilot';
import { SkypilotAppStack } from './skypilot-app';
import { StateBootstrapStack } from './state-bootstrap';

/** Adds a stack for every blueprint the config enables. */
export function addBlueprints(scope: Construct, context: BlueprintContext, config: Config): BlueprintStack[] {
  const stacks: BlueprintStack[] = [];
  if (config.stateBootstrap.enabled) stacks.push(new StateBootstrapStack(scope, context, config.stateBootstrap));
  if (config.gkePlayground.enabled) stacks.push(new GkePlaygroundStack(scope, context, config.gkePlayground));
  if (config.irisMirror.enabled) stacks.push(new IrisMirrorStack(scope, context, config.irisMirror));
  if (config.skypilot.enabled) {
    const infra = new SkypilotStack(scope, context, config.skypilot);
    const app = new SkypilotAppStack(scope, context, config.skypilot);
    // The app stack reads the cluster and secrets that infra creates: `cdktf deploy` runs infra first.
    app.addDependency(infra);
    stacks.push(infra, app);
  }
  if (config.ilpConnector.enabled) {
    const infra = new IlpConnectorStack(scope, context, config.ilpConnector);
    const app = new IlpConnectorAppStack(scope, context, config.ilpConnector);
    app.addDependency(infra);
    stacks.push(infra, app);
  }
  if (config.cloudrunMesh?.enabled) {
    // Each stack needs what the one before it made: the accounts, connector and address; then the RBAC and the gateway
    // that a Cloud Run launcher needs before it listens; then the services, whose URLs the mesh objects are named after.
    const infra = new CloudrunMeshStack(scope, context, config.cloudrunMesh);
    const cluster = new CloudrunMeshK8sStack(scope, context, config.cloudrunMesh);
    const services = new CloudrunMeshServicesStack(scope, context, config.cloudrunMesh);
    const routes = new CloudrunMeshRoutesStack(scope, context, config.cloudrunMesh);
    cluster.addDependency(infra);
    services.addDependency(cluster);
    routes.addDependency(services);
    stacks.push(infra, cluster, services, routes);
  }
  return stacks;
}
