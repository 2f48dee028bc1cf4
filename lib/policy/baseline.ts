import { DefaultTokenResolver, IAspect, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import type { Waiver } from '../config/global';
import { Attributes, RULES, Rule, StackResource } from './rules';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

export interface Finding {
  readonly stack: string;
  /** Terraform address, e.g. google_storage_bucket.state. */
  readonly address: string;
  readonly ruleId: string;
  readonly problem: string;
  readonly fix: string;
}

export interface WaivedFinding extends Finding {
  readonly reason: string;
}

/**
 * Aspect that checks every resource of the stacks it is added to against the baseline rules. It never throws:
 * synth collects every finding across all stacks, then fails once with the full list (see lib/app/synthesize.ts).
 */
export class SecurityBaseline implements IAspect {
  /** Every resource visited, by stack: rules are checked once all are known, as some look across a stack. */
  private readonly resourcesByStack = new Map<string, StackResource[]>();
  private readonly rulesByType = new Map<string, Rule[]>();
  private checked: Map<string, Finding> | undefined;

  constructor(
    private readonly waivers: readonly Waiver[] = [],
    rules: readonly Rule[] = RULES,
  ) {
    for (const rule of rules) {
      for (const type of rule.resourceTypes) {
        this.rulesByType.set(type, [...(this.rulesByType.get(type) ?? []), rule]);
      }
    }
  }

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const type = node.terraformResourceType;
    const stack = TerraformStack.of(node);
    // Resolved as synthesis writes it, so rules see the JSON. Not "preparing": that would wire a token from another
    // stack into remote state after the other stack may have been written (BlueprintStack.prepareStack).
    const synthesized = Tokenization.resolve(node.toTerraform(), {
      scope: stack,
      preparing: false,
      resolver: RESOLVER,
    }) as { resource: Record<string, Record<string, Attributes>> };
    const address = `${type}.${node.friendlyUniqueId}`;
    const resources = this.resourcesByStack.get(stack.node.id) ?? [];
    const index = resources.findIndex((r) => r.address === address);
    const resource = { type, address, attrs: synthesized.resource[type][node.friendlyUniqueId] };
    if (index >= 0) resources[index] = resource;
    else resources.push(resource);
    this.resourcesByStack.set(stack.node.id, resources);
    this.checked = undefined;
  }

  private get found(): Map<string, Finding> {
    if (this.checked) return this.checked;
    const found = new Map<string, Finding>();
    for (const [stack, resources] of this.resourcesByStack) {
      for (const { type, address, attrs } of resources) {
        for (const rule of this.rulesByType.get(type) ?? []) {
          const problem = rule.check(attrs, type, resources);
          if (problem === undefined) continue;
          found.set(`${stack}/${address}/${rule.id}`, { stack, address, ruleId: rule.id, problem, fix: rule.fix });
        }
      }
    }
    this.checked = found;
    return found;
  }

  /** Findings no waiver covers: any of these fails synth. */
  get violations(): Finding[] {
    return [...this.found.values()].filter((finding) => !this.waiverFor(finding));
  }

  /** Findings a config waiver covers, with its reason: synth lists them. */
  get waived(): WaivedFinding[] {
    return [...this.found.values()].flatMap((finding) => {
      const waiver = this.waiverFor(finding);
      return waiver ? [{ ...finding, reason: waiver.reason }] : [];
    });
  }

  /** Waivers that matched no finding among the stacks synthesized: stale config worth removing. */
  unusedWaivers(synthesizedStacks: readonly string[]): Waiver[] {
    const findings = [...this.found.values()];
    return this.waivers.filter(
      (waiver) => synthesizedStacks.includes(waiver.stack) && !findings.some((f) => waiverMatches(waiver, f)),
    );
  }

  private waiverFor(finding: Finding): Waiver | undefined {
    return this.waivers.find((waiver) => waiverMatches(waiver, finding));
  }
}

function waiverMatches(waiver: Waiver, finding: Finding): boolean {
  return (
    waiver.rule === finding.ruleId &&
    waiver.stack === finding.stack &&
    (waiver.resource === undefined || waiver.resource === finding.address)
  );
}

export function formatViolation(finding: Finding): string {
  return (
    `${finding.stack}/${finding.address}: ${finding.ruleId} ${finding.problem}; ${finding.fix}, ` +
    `or waive it in config under policy.waivers: ` +
    `{ rule: ${finding.ruleId}, stack: ${finding.stack}, resource: ${finding.address}, reason: "<why>" }`
  );
}

export function formatWaived(finding: WaivedFinding): string {
  return `${finding.stack}/${finding.address}: ${finding.ruleId} waived: ${finding.reason}`;
}
