#!/usr/bin/env node
/**
 * node scripts/adopt/apply-doc.mjs <command> <app dir> [args]
 *
 * Applies the blocks of docs/install.md that are marked `<!-- adopt:NAME -->`
 * to a created Backstage app, as they are written there:
 *
 *   block NAME                print a block's code (the shell steps run it)
 *   resolutions <app> <dir>   merge the `resolutions` block into package.json;
 *                             every tarball it names must be in <dir>
 *   backend <app>             add the backend lines before `backend.start()`
 *   app-config <app>          merge the app-config block into app-config.yaml:
 *                             maps are merged, lists appended, an empty key
 *                             (the created app's `kubernetes:`) replaced; a
 *                             value the app already has is an error
 *
 * Exits non-zero, naming what did not match, when the guide and the app
 * disagree, so a change to either shows up here first.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const GUIDE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../docs/install.md',
);

export function readBlocks(text = readFileSync(GUIDE, 'utf8')) {
  const blocks = new Map();
  const marker = /<!--\s*adopt:([a-z-]+)\s*-->\s*\n+```(\w*)\n([\s\S]*?)\n```/g;
  for (const match of text.matchAll(marker)) {
    const [, name, lang, code] = match;
    if (blocks.has(name))
      throw new Error(`docs/install.md: two adopt:${name} blocks`);
    blocks.set(name, { lang, code: `${code}\n` });
  }
  return blocks;
}

function block(name) {
  const found = readBlocks().get(name);
  if (!found)
    throw new Error(`docs/install.md has no <!-- adopt:${name} --> block`);
  return found;
}

function applyResolutions(app, tarballDir) {
  const wanted = JSON.parse(block('resolutions').code).resolutions;
  const file = join(app, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  for (const [name, range] of Object.entries(wanted)) {
    const path = range.replace(/^file:/, '');
    if (path === range) {
      problems.push(`${name}: ${range} is not a file: range`);
      continue;
    }
    const tarball = join(tarballDir, basename(path));
    if (!existsSync(tarball)) {
      problems.push(
        `${name}: the guide names ${basename(
          path,
        )}, which the pack step did not make`,
      );
    }
    if (pkg.resolutions?.[name] !== undefined) {
      problems.push(`${name}: the app already has a resolution for it`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  pkg.resolutions = { ...pkg.resolutions, ...wanted };
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [name, range] of Object.entries(wanted)) {
    console.log(`package.json resolutions: ${name} -> ${range}`);
  }
}

function applyBackend(app) {
  const file = join(app, 'packages/backend/src/index.ts');
  const source = readFileSync(file, 'utf8');
  const anchor = 'backend.start();';
  const at = source.lastIndexOf(anchor);
  if (at < 0)
    throw new Error(`${file} has no "${anchor}" to add the lines before`);
  const lines = block('backend').code.trimEnd();
  for (const line of lines.split('\n')) {
    if (source.includes(line.trim())) {
      throw new Error(`${file} already has ${line.trim()}`);
    }
  }
  writeFileSync(file, `${source.slice(0, at)}${lines}\n\n${source.slice(at)}`);
  console.log(`packages/backend/src/index.ts, before ${anchor}:\n${lines}`);
}

function isEmpty(node) {
  return (
    node === undefined ||
    node === null ||
    (YAML.isScalar(node) && node.value === null)
  );
}

/** Merges the guide's map `from` into the app's map `into`, keeping comments. */
function mergeMap(into, from, path, changes) {
  for (const pair of from.items) {
    const key = YAML.isScalar(pair.key) ? pair.key.value : String(pair.key);
    const here = [...path, key].join('.');
    const existing = into.get(key, true);
    if (isEmpty(existing)) {
      into.set(key, pair.value);
      changes.push(
        `${existing === undefined ? 'added' : 'set (was empty)'} ${here}`,
      );
    } else if (YAML.isMap(existing) && YAML.isMap(pair.value)) {
      mergeMap(existing, pair.value, [...path, key], changes);
    } else if (YAML.isSeq(existing) && YAML.isSeq(pair.value)) {
      for (const item of pair.value.items) existing.items.push(item);
      changes.push(`appended ${pair.value.items.length} item(s) to ${here}`);
    } else {
      throw new Error(
        `app-config.yaml already sets ${here}, which the guide's block sets too`,
      );
    }
  }
}

function applyAppConfig(app) {
  const file = join(app, 'app-config.yaml');
  const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
  const snippet = YAML.parseDocument(block('app-config').code);
  for (const d of [doc, snippet]) {
    if (d.errors.length > 0) throw new Error(d.errors.map(String).join('\n'));
  }
  const changes = [];
  mergeMap(doc.contents, snippet.contents, [], changes);
  writeFileSync(
    file,
    doc.toString({ lineWidth: 0, flowCollectionPadding: false }),
  );
  for (const change of changes) console.log(`app-config.yaml: ${change}`);
}

const [command, app, arg] = process.argv.slice(2);
try {
  if (command === 'block') process.stdout.write(block(app).code);
  else if (command === 'resolutions') applyResolutions(app, arg);
  else if (command === 'backend') applyBackend(app);
  else if (command === 'app-config') applyAppConfig(app);
  else throw new Error(`unknown command ${command ?? '(none)'}`);
} catch (error) {
  console.error(
    `apply-doc ${command}: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
}
