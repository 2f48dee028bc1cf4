// Lets mermaid parse diagrams in Node, without a browser: mermaid sanitizes labels with DOMPurify, which needs a DOM
// and is of no use to a syntax check. Use as `node --import ./scripts/mermaid-no-dom.mjs ...`; the stand-in returns
// labels unchanged.
import { register } from 'node:module';

const stub = `
const purify = {
  addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {},
  setConfig() {}, clearConfig() {}, isValidAttribute: () => true, isSupported: false,
  sanitize: (text) => String(text),
};
export default purify;`;

const loader = `
export async function resolve(specifier, context, next) {
  if (specifier === 'dompurify') {
    return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(stub)}), shortCircuit: true };
  }
  return next(specifier, context);
}`;

register('data:text/javascript,' + encodeURIComponent(loader));
