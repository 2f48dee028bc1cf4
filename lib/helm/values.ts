import { Fn, Token } from 'cdktf';
import { stringify } from 'yaml';
import { terraformLiteral } from '../assets';

/**
 * Renders Helm values as one YAML document for `helm_release.values`. Literal text is escaped for Terraform (a `${`
 * in a value stays literal); a value only known at apply (a token) is written as `jsonencode(...)`, which is valid
 * YAML for any string Terraform produces.
 */
export function helmValuesYaml(values: object): string {
  const tokens: string[] = [];
  const placeholders = JSON.parse(
    JSON.stringify(values, (_key, value: unknown) => {
      if (typeof value === 'string' && Token.isUnresolved(value)) {
        tokens.push(value);
        return `__terraform_value_${tokens.length - 1}__`;
      }
      return value;
    }),
  ) as object;
  const yaml = terraformLiteral(stringify(placeholders, { lineWidth: 0 }));
  return yaml.replace(/__terraform_value_(\d+)__/g, (_match, index: string) => Fn.jsonencode(tokens[Number(index)]));
}
