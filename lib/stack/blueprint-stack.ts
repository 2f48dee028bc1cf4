import * as path from 'node:path';
import { Aspects, GcsBackend, LocalBackend, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Construct, Node } from 'constructs';
import type { GlobalConfig } from '../config/schema';
import type { SecurityBaseline } from '../policy/baseline';
import type { StackName } from './names';

/** What every stack of one synth shares. */
export interface BlueprintContext {
  readonly config: GlobalConfig;
  /** One baseline for the whole app, so synth can report every stack's findings together. */
  readonly baseline: SecurityBaseline;
  /** Absolute path of the final output directory; local state paths are written relative to its stack folders. */
  readonly outdir: string;
}

export interface BlueprintStackProps {
  /**
   * Project the google provider defaults to.
   * @default the global projectId
   */
  readonly projectId?: string;
  /**
   * Keep state in this local file (relative to where synth runs) instead of GCS. Only state-bootstrap needs it:
   * its bucket does not exist before its first apply.
   * @default state in the GCS bucket `stateBucket` under `<environment>/<stack>`
   */
  readonly localStatePath?: string;
}

/** Labels added to every labelable resource; ours win over same-named user labels. */
export function defaultLabels(config: GlobalConfig, stackName: string): Record<string, string> {
  return { ...config.labels, environment: config.environment, stack: stackName, 'managed-by': 'cdktf' };
}

/**
 * Base of every stack: google provider (project, region, default labels), state backend and the security baseline.
 * Terraform addresses are readable (`google_container_cluster.cluster`, `google_container_node_pool.cluster_nodes`):
 * the construct path below the stack joined by `_`, with `Resource` marking a construct's primary resource.
 */
export class BlueprintStack extends TerraformStack {
  readonly projectId: string;
  readonly region: string;
  readonly environment: string;
  /** Where the stack keeps its state in GCS; undefined with a local backend. */
  readonly gcsState?: { readonly bucket: string; readonly prefix: string };
  private readonly logicalIds = new Map<string, string>();

  constructor(scope: Construct, name: StackName, context: BlueprintContext, props: BlueprintStackProps = {}) {
    super(scope, name);
    const { config } = context;
    this.projectId = props.projectId ?? config.projectId;
    this.region = config.region;
    this.environment = config.environment;

    const google = new GoogleProvider(this, 'google', { project: this.projectId, region: this.region });
    // cdktf snake-cases every key of a provider block, label names included (managed-by -> managed_by); an
    // override is written as given.
    google.addOverride('default_labels', defaultLabels(config, name));

    if (props.localStatePath !== undefined) {
      const stackDir = path.join(context.outdir, 'stacks', name);
      new LocalBackend(this, { path: path.relative(stackDir, path.resolve(props.localStatePath)) });
    } else {
      this.gcsState = { bucket: config.stateBucket, prefix: `${config.environment}/${name}` };
      new GcsBackend(this, this.gcsState);
    }

    Aspects.of(this).add(context.baseline);
  }

  /**
   * Only makes sure the stack has a backend. cdktf's own prepareStack also resolves every token of the stack once more
   * before synth, in a "preparing" mode, so that a token that reads another stack's resource turns into an output there
   * and a remote state lookup here (cdktf 0.21.0: lib/app.js synth, lib/terraform-stack.js prepareStack,
   * lib/tfExpression.js Reference.resolve; re-check on a cdktf upgrade). Blueprint stacks read what other stacks made
   * through data sources, by name, so each plans from its own state; each is built from its config section alone
   * (stacks/index.ts hands none another's constructs). The pass found nothing and cost an eighth of a synth; a test runs
   * it on the example and on an adopting config and checks it still would. A token from another stack would now come
   * out as a reference to a resource this stack does not declare, which `terraform plan` refuses.
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /** A stack output whose name is exactly `name`. */
  addOutput(name: string, value: string, description: string): TerraformOutput {
    return new TerraformOutput(this, name, { value, description, staticId: true });
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Node ? element : element.node;
    const components = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .map((scope) => scope.node.id)
      .filter((id) => id !== 'Resource' && id !== 'Default');
    const logicalId = components.join('_').replace(/[^A-Za-z0-9_-]/g, '_');
    const owner = this.logicalIds.get(logicalId);
    if (owner !== undefined && owner !== node.path) {
      throw new Error(`${node.path} and ${owner} would share the Terraform name ${logicalId}; rename one construct`);
    }
    this.logicalIds.set(logicalId, node.path);
    return logicalId;
  }
}
