#!/usr/bin/env node
/**
 * node scripts/adopt/stock-kubernetes.mjs <app dir>
 *
 * Writes <app>/app-config.stock-kubernetes.yaml: the app's app-config.yaml
 * as the guide left it, but with the `kubernetes` key the created app came
 * with (its commit tagged adopt-baseline). The backend started on it shows
 * what an adopter sees before configuring any cluster. Prints the value the
 * key got.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

const app = process.argv[2];
if (!app) {
  console.error('usage: stock-kubernetes.mjs <app dir>');
  process.exit(2);
}
const stock = YAML.parse(
  execFileSync('git', ['-C', app, 'show', 'adopt-baseline:app-config.yaml'], {
    encoding: 'utf8',
  }),
);
const guided = YAML.parseDocument(
  readFileSync(join(app, 'app-config.yaml'), 'utf8'),
);
if (!guided.has('kubernetes')) {
  console.error(
    'app-config.yaml has no kubernetes key: was the guide applied?',
  );
  process.exit(1);
}
guided.set('kubernetes', stock.kubernetes ?? null);
writeFileSync(join(app, 'app-config.stock-kubernetes.yaml'), guided.toString());
console.log(`kubernetes: ${JSON.stringify(stock.kubernetes ?? null)}`);
