/**
 * The two functions of @cdktf/hcl2json this project calls, typed here: the package's own types reference TypeScript's
 * DOM library (lib/bridge.d.ts), 39,000 lines that every type-check would read for nothing. The package is required
 * on first call, as it starts a WebAssembly runtime when it loads.
 */
interface Hcl2Json {
  parse(filename: string, contents: string): Promise<Record<string, unknown>>;
  getExpressionAst(filename: string, expression: string): Promise<{ type: string } | null>;
}

function hcl2json(): Hcl2Json {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@cdktf/hcl2json') as Hcl2Json;
}

/** HCL text as Terraform JSON (`filename` names it in errors). */
export function parseHcl(filename: string, contents: string): Promise<Record<string, unknown>> {
  return hcl2json().parse(filename, contents);
}

/** The syntax tree of one HCL expression; its `type` names the kind of node (`templateWrap`, ...). */
export function expressionAst(filename: string, expression: string): Promise<{ type: string } | null> {
  return hcl2json().getExpressionAst(filename, expression);
}
