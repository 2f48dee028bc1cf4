#!/usr/bin/env node
// The order in which a pipeline runs Terraform on the synthesized stacks (docs/pipelines.md): one stack name a line,
// every stack after the stacks it depends on, read from the `dependencies` in <outdir>/manifest.json.
//
//   node scripts/stack-order.js [--dependencies] [outdir] [stack ...]
//
// outdir defaults to cdktf.out. Stack names (after outdir) restrict the output to those stacks and everything they
// depend on. With --dependencies, each line is a stack followed by every stack it depends on, directly or not, in the
// same order, separated by spaces: a pipeline learns the order and each stack's dependencies from one call.
// Errors are one line on stderr, starting `stack-order: `, with exit code 1. Plain Node, no dependencies.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const USAGE = 'usage: node scripts/stack-order.js [--dependencies] [outdir] [stack ...]   (outdir defaults to cdktf.out)';
const OPTIONS = ['--dependencies', '--help', '-h'];

/**
 * Stack names in an order where every stack comes after the stacks it depends on. Among stacks whose dependencies are
 * all placed, the one first in the manifest goes next, so independent stacks keep their manifest order. With `names`,
 * only those stacks and everything they depend on (transitively), in the same order.
 * @param {{ stacks: Record<string, { dependencies?: string[] }> }} manifest cdktf's manifest.json
 * @param {string[]} [names]
 * @returns {string[]}
 */
function stackOrder(manifest, names = []) {
  if (!manifest || typeof manifest.stacks !== 'object' || manifest.stacks === null) {
    throw new Error('the manifest has no "stacks" object');
  }
  const all = Object.keys(manifest.stacks);
  const dependencies = new Map(all.map((name) => [name, manifest.stacks[name].dependencies ?? []]));
  for (const [name, deps] of dependencies) {
    for (const dep of deps) {
      if (!dependencies.has(dep)) throw new Error(`stack "${name}" depends on "${dep}", which is not in the manifest`);
    }
  }
  const unknown = names.filter((name) => !dependencies.has(name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `"${name}"`).join(', ');
    throw new Error(`unknown stack ${list}; the manifest has: ${all.join(', ') || '(no stacks)'}`);
  }

  const placed = new Set();
  const order = [];
  while (order.length < all.length) {
    const next = all.find((name) => !placed.has(name) && dependencies.get(name).every((dep) => placed.has(dep)));
    if (next === undefined) throw new Error(`dependency cycle: ${findCycle(all, dependencies, placed).join(' -> ')}`);
    placed.add(next);
    order.push(next);
  }
  if (names.length === 0) return order;

  const wanted = new Set();
  const visit = (name) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of dependencies.get(name)) visit(dep);
  };
  for (const name of names) visit(name);
  return order.filter((name) => wanted.has(name));
}

/**
 * The stacks of `stackOrder(manifest, names)`, in that order, each with every stack it depends on, directly or through
 * other stacks, also in that order.
 * @param {{ stacks: Record<string, { dependencies?: string[] }> }} manifest cdktf's manifest.json
 * @param {string[]} [names]
 * @returns {[string, string[]][]}
 */
function stackDependencies(manifest, names = []) {
  const order = stackOrder(manifest, names);
  const all = new Map();
  // A stack's dependencies come before it in the order, so theirs are known when it is reached.
  for (const name of order) {
    const deps = new Set();
    for (const dep of manifest.stacks[name].dependencies ?? []) {
      for (const indirect of all.get(dep)) deps.add(indirect);
      deps.add(dep);
    }
    all.set(name, deps);
  }
  return order.map((name) => [name, order.filter((dep) => all.get(name).has(dep))]);
}

/** A cycle among the stacks not placed, each of which has a dependency not placed: `a -> b -> a`. */
function findCycle(all, dependencies, placed) {
  const chain = [];
  let current = all.find((name) => !placed.has(name));
  while (!chain.includes(current)) {
    chain.push(current);
    current = dependencies.get(current).find((dep) => !placed.has(dep));
  }
  return [...chain.slice(chain.indexOf(current)), current];
}

/** Reads `<outdir>/manifest.json`; errors say what to do. */
function readManifest(outdir) {
  const file = path.join(outdir, 'manifest.json');
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw new Error(`${file}: ${error.message}`);
    const hint = fs.existsSync(outdir)
      ? ''
      : ` (no directory ${outdir}: the first argument that is not an option is the synth output directory, then stack names)`;
    throw new Error(`${file} not found; run npm run synth first${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error.message}); run npm run synth again`);
  }
}

function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const option = argv.find((arg) => arg.startsWith('-') && arg !== '--dependencies');
  try {
    if (option !== undefined) throw new Error(`unknown option ${option}; the options are ${OPTIONS.join(', ')}; ${USAGE}`);
    const [outdir = 'cdktf.out', ...names] = argv.filter((arg) => arg !== '--dependencies');
    const manifest = readManifest(outdir);
    const lines = argv.includes('--dependencies')
      ? stackDependencies(manifest, names).map(([name, deps]) => [name, ...deps].join(' '))
      : stackOrder(manifest, names);
    process.stdout.write(lines.map((line) => `${line}\n`).join(''));
    return 0;
  } catch (error) {
    process.stderr.write(`stack-order: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

module.exports = { stackOrder, stackDependencies, readManifest };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
