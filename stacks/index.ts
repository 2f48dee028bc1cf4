import { Construct } from 'constructs';
import type { Config } from '../lib/config/schema';
import type { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';
import { CloudrunMeshStack } from './cloudrun-mesh';
import { CloudrunMeshK8sStack } from './cloudrun-mesh-k8s';
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
    const infra = new CloudrunMeshStack(scope, context, config.cloudrunMesh);
    const mesh = new CloudrunMeshK8sStack(scope, context, config.cloudrunMesh);
    // The mesh objects name the Cloud Run services' URLs, which exist once cloudrun-mesh is applied.
    mesh.addDependency(infra);
    stacks.push(infra, mesh);
  }
  return stacks;
}
