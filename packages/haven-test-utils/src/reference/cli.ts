/**
 * yarn reference:extract [UPSTREAM_DIR]
 *
 * Rebuilds reference/ (crds/*.json, charts/*.json, sources.json) from an
 * upstream reference folder in the projects' own layout: crds/<file>.yaml as
 * the controllers publish them, charts/<chart>/{Chart.yaml, values.yaml,
 * values.schema.json} as the chart archives hold them. Default folder:
 * HAVEN_REFERENCE_DIR, else shared/reference beside the checkout.
 */
import { extractReference, writeExtract } from './extract';
import { findUpstreamReferenceDir, REFERENCE_DIR } from '.';

const from = process.argv[2] ?? findUpstreamReferenceDir();
if (!from) {
  process.stderr.write(
    'usage: yarn reference:extract UPSTREAM_DIR (a folder with crds/*.yaml and charts/<chart>/values.yaml)\n',
  );
  process.exit(2);
}
const files = extractReference(from);
writeExtract(files, REFERENCE_DIR);
process.stdout.write(
  `reference/: ${files.length} files written from ${from}\n`,
);
