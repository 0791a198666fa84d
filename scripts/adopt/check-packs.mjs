#!/usr/bin/env node
/**
 * node scripts/adopt/check-packs.mjs <dir with the packed .tgz files>
 *
 * What an adopter's package manager and bundler rely on in each tarball:
 *   - package.json has no `workspace:` range left;
 *   - main, module, types, exports, typesVersions and configSchema name
 *     files that are in the tarball;
 *   - every `sourceMappingURL` names a map in the tarball, and every source
 *     a map names is either in the tarball or embedded (sourcesContent);
 *   - every package the built JavaScript and .d.ts files import is a
 *     dependency or peer dependency (or Node.js built-in, or the package
 *     itself), so nothing works only because the monorepo happens to have it.
 *
 * Prints `ok`, `FAILED` and `note` lines; exits non-zero on a FAILED one.
 */
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check-packs.mjs <dir>');
  process.exit(2);
}

let failed = 0;
const ok = (pkg, what) => console.log(`  ok      ${pkg}: ${what}`);
const fail = (pkg, what) => {
  failed += 1;
  console.log(`  FAILED  ${pkg}: ${what}`);
};
const note = (pkg, what) => console.log(`  note    ${pkg}: ${what}`);

function walk(root) {
  const out = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** Every string leaf of exports / typesVersions, with where it was found. */
function targets(value, where, out = []) {
  if (typeof value === 'string') out.push([where, value]);
  else if (Array.isArray(value))
    value.forEach((v, i) => targets(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      targets(v, `${where}.${k}`, out);
  return out;
}

const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));
const packageOf = specifier =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];

function checkPackage(tarball) {
  const root = mkdtempSync(join(tmpdir(), 'haven-adopt-pack-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', root]);
    const base = join(root, 'package');
    const text = readFileSync(join(base, 'package.json'), 'utf8');
    const pkg = JSON.parse(text);
    const name = pkg.name;
    const files = walk(base).map(f => relative(base, f));
    const has = path => existsSync(resolve(base, path));

    // 1. No workspace: ranges in any dependency field.
    const workspaceRanges = [];
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ]) {
      for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
        if (String(range).startsWith('workspace:'))
          workspaceRanges.push(`${field}.${dep}: ${range}`);
      }
    }
    if (workspaceRanges.length > 0)
      fail(
        name,
        `workspace: ranges in package.json: ${workspaceRanges.join(', ')}`,
      );
    else ok(name, 'package.json has no workspace: ranges');

    // 2. Entry points name files in the tarball.
    const entries = [
      ['main', pkg.main],
      ['module', pkg.module],
      ['types', pkg.types],
      ['configSchema', pkg.configSchema],
      ...targets(pkg.exports ?? {}, 'exports'),
      ...targets(pkg.typesVersions ?? {}, 'typesVersions'),
    ].filter(
      ([where, target]) =>
        typeof target === 'string' &&
        // `backstage` conditions name a feature type, not a file.
        !where.endsWith('.backstage'),
    );
    const missing = entries.filter(([, target]) => !has(target));
    if (missing.length > 0)
      fail(
        name,
        `entry points not in the tarball: ${missing
          .map(([w, t]) => `${w} -> ${t}`)
          .join(', ')}`,
      );
    else
      ok(
        name,
        `${entries.length} entry points (main, types, exports...) are in the tarball`,
      );
    if (String(pkg.main ?? '').startsWith('src/'))
      fail(
        name,
        `main is ${pkg.main}: the prepack rewrite to dist/ did not happen`,
      );

    // 3. Source maps.
    const jsFiles = files.filter(f => /\.(c|m)?js$/.test(f));
    const mapProblems = [];
    let embedded = 0;
    let sources = 0;
    for (const file of jsFiles) {
      const code = readFileSync(join(base, file), 'utf8');
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
      if (!url || url.startsWith('data:')) continue;
      const mapPath = join(dirname(file), url);
      if (!has(mapPath)) {
        mapProblems.push(`${file} names ${url}, which is not in the tarball`);
        continue;
      }
      const map = JSON.parse(readFileSync(join(base, mapPath), 'utf8'));
      (map.sources ?? []).forEach((source, i) => {
        sources += 1;
        const path = join(dirname(mapPath), map.sourceRoot ?? '', source);
        if (has(path)) return;
        if (typeof map.sourcesContent?.[i] === 'string') {
          embedded += 1;
          return;
        }
        mapProblems.push(
          `${mapPath} names ${source}, neither in the tarball nor embedded`,
        );
      });
    }
    if (mapProblems.length > 0)
      fail(
        name,
        `source maps: ${mapProblems.slice(0, 5).join('; ')}${
          mapProblems.length > 5 ? ` (+${mapProblems.length - 5} more)` : ''
        }`,
      );
    else
      ok(
        name,
        `source maps resolve (${sources} sources in ${jsFiles.length} files)`,
      );
    if (embedded > 0)
      note(
        name,
        `${embedded} of ${sources} map sources point at src/ files the tarball does not ship; their text is embedded (sourcesContent), so debuggers still show it`,
      );

    // 4. Imports are declared dependencies.
    const declared = new Set([
      name,
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ]);
    const importRe =
      /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;
    const undeclared = new Map();
    for (const file of files.filter(f => /\.(c|m)?js$|\.d\.ts$/.test(f))) {
      const code = readFileSync(join(base, file), 'utf8');
      for (const match of code.matchAll(importRe)) {
        const specifier = match[2];
        if (
          !/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.@/-]*)?$/i.test(
            specifier,
          )
        )
          continue; // relative paths, and strings that only look like imports

        if (builtins.has(specifier) || builtins.has(packageOf(specifier)))
          continue;
        const dep = packageOf(specifier);
        if (declared.has(dep)) continue;
        if (file.endsWith('.d.ts') && declared.has(`@types/${dep}`)) continue;
        if (!undeclared.has(dep)) undeclared.set(dep, file);
      }
    }
    if (undeclared.size > 0)
      fail(
        name,
        `imports packages it does not declare: ${[...undeclared]
          .map(([d, f]) => `${d} (${f})`)
          .join(', ')}`,
      );
    else ok(name, 'every imported package is a dependency or peer dependency');

    // 5. The package.json bundled into dist (plugin info) is the source one.
    const bundledPackageJson = files.filter(f =>
      /^dist\/package\.json\.(esm|cjs)\.js$/.test(f),
    );
    for (const file of bundledPackageJson) {
      if (readFileSync(join(base, file), 'utf8').includes('workspace:'))
        note(
          name,
          `${file} (the package.json the plugin's info reads) is the pre-pack copy, with workspace: ranges and src/ entry points`,
        );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const tarballs = readdirSync(dir)
  .filter(f => f.endsWith('.tgz'))
  .sort();
if (tarballs.length === 0) {
  console.log(`  FAILED  no .tgz files in ${dir}`);
  process.exit(1);
}
for (const tarball of tarballs) checkPackage(join(dir, tarball));
process.exit(failed > 0 ? 1 : 0);
