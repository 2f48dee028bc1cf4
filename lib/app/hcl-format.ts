/**
 * HCL as `terraform fmt` writes it. Layout comes from @cdktf/hcl-tools, the formatter `cdktf synth --hcl` uses (HCL's
 * own hclwrite). `terraform fmt` then does one more thing that hclwrite does not: an attribute of a block whose value
 * is a single interpolation, `name = "${expr}"`, becomes `name = expr` (hashicorp/terraform, internal/command/fmt.go,
 * formatValueExpr). Items of objects and lists keep their quotes there, and so they do here. Both modules start a
 * WebAssembly runtime when first required, so they are loaded only when HCL is written.
 */

import { expressionAst } from './hcl2json';

interface OpenBracket {
  /** A block body (`resource "t" "n" {`), whose attributes `terraform fmt` unwraps; else an object or a list. */
  readonly block: boolean;
}

const BLOCK_OPENER = /^\s*[A-Za-z_][\w-]*(\s+("[^"]*"|[A-Za-z_][\w-]*))*\s*\{$/;
const QUOTED_ATTRIBUTE = /^(\s*[A-Za-z_][\w-]*\s*=\s*)(".*\$\{.*")$/;
/** A heredoc (`<<EOF` or `<<-EOF`) ends at the line that holds only its marker, indented or not. */
const HEREDOC_START = /<<-?([A-Za-z_]\w*)$/;
/**
 * `"${a.b[0].c}"`: a string that is one interpolation of a plain traversal (attributes, `[n]` indexes, `[*]` splats)
 * and no more. Legacy `.0` indexes and `.*` splats are left to the parser, which refuses some of their chains
 * (`a.0.1`, `a.*.*`).
 */
const WRAPPED_TRAVERSAL = /^"\$\{[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\*\])*\}"$/;

/**
 * Whether a quoted value is a reference such as `"${google_project.project.number}"`, which HCL reads as a template
 * wrap. Seven in ten quoted attributes of a synth are; the HCL parser (WebAssembly, about 1.4 ms a call) decides the
 * rest.
 */
export function isWrappedTraversal(value: string): boolean {
  return WRAPPED_TRAVERSAL.test(value);
}

export async function formatHcl(text: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { format } = require('@cdktf/hcl-tools') as typeof import('@cdktf/hcl-tools');

  const lines = (await format(text)).split('\n');
  const open: OpenBracket[] = [];
  let heredocEnd: string | undefined;
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (heredocEnd !== undefined) {
      if (trimmed === heredocEnd) heredocEnd = undefined;
      continue;
    }
    heredocEnd = HEREDOC_START.exec(trimmed)?.[1];
    if (heredocEnd !== undefined) continue;
    if (trimmed.startsWith('}') || trimmed.startsWith(']')) open.pop();
    if (trimmed.endsWith('{') || trimmed.endsWith('[')) {
      open.push({ block: BLOCK_OPENER.test(line) });
      continue;
    }
    const attribute = QUOTED_ATTRIBUTE.exec(line);
    if (!attribute || !open.at(-1)?.block) continue;
    const [, nameAndEquals, value] = attribute;
    // The HCL parser answers whether the string is exactly one interpolation ("${a}${b}" and "x${a}" are not).
    const wrap = isWrappedTraversal(value) || (await expressionAst('cdk.tf', value))?.type === 'templateWrap';
    if (wrap) lines[index] = `${nameAndEquals}${value.slice(3, -2).trim()}`;
  }
  // hclwrite aligns `=` by the names, which unwrapping leaves alone: the layout needs no second pass.
  return lines.join('\n');
}
