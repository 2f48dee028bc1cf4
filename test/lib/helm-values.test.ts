import { Fn, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { helmValuesYaml } from '../../lib/helm/values';
import { testApp } from '../support/app';

/** What Terraform receives for `text`: tokens resolved to expressions. */
function synthesized(text: string): string {
  const stack = new TerraformStack(testApp(), 'helm-values');
  new TerraformOutput(stack, 'values', { value: text, staticId: true });
  return (JSON.parse(Testing.synth(stack)) as { output: { values: { value: string } } }).output.values.value;
}

describe('helmValuesYaml', () => {
  test('literal text reaches Helm unchanged: Terraform template sequences are escaped', () => {
    const yaml = helmValuesYaml({ script: 'echo ${HOME} %{ if x }', nothing: null, list: ['a'] });
    expect(yaml).toBe('script: echo $${HOME} %%{ if x }\nnothing: null\nlist:\n  - a\n');
  });

  test('a value known only at apply becomes jsonencode(...), which YAML reads as a quoted string', () => {
    const yaml = helmValuesYaml({ ingress: { authCredentials: Fn.lower('ABC') } });
    expect(synthesized(yaml)).toBe('ingress:\n  authCredentials: ${jsonencode(lower("ABC"))}\n');
    // What Terraform produces from jsonencode is valid YAML for any string, bcrypt's $ and / included.
    expect(parse(`a: ${JSON.stringify('user:$2a$10$x/y.z"q')}`)).toEqual({ a: 'user:$2a$10$x/y.z"q' });
  });

  test('unset keys are left out, so the chart keeps its defaults', () => {
    expect(helmValuesYaml({ apiService: { image: undefined, config: null } })).toBe('apiService:\n  config: null\n');
  });
});
