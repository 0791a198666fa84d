import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder up from the working directory with backstage.json. */
export function findRepoRoot(from: string = process.cwd()): string {
  let dir = path.resolve(from);
  while (!fs.existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `no backstage.json above ${from}: run this inside the repository`,
      );
    }
    dir = parent;
  }
  return dir;
}

/**
 * The reference data the tests check manifests and chart values against,
 * kept in this package (reference/: crds/*.json, charts/*.json,
 * sources.json), extracted from the upstream projects' files by
 * `yarn reference:extract` (see ./extract.ts). Always present in a clone.
 */
export const REFERENCE_DIR = path.join(
  path.dirname(require.resolve('@haven-plus/haven-test-utils/package.json')),
  'reference',
);

/**
 * An upstream reference folder in the projects' own file layout
 * (crds/*.yaml, charts/<chart>/values.yaml ...): HAVEN_REFERENCE_DIR, else
 * shared/reference beside the repository checkout. Only the cross-check of
 * the extract reads it; undefined when there is none.
 */
export function findUpstreamReferenceDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.HAVEN_REFERENCE_DIR) {
    candidates.push(process.env.HAVEN_REFERENCE_DIR);
  }
  try {
    candidates.push(path.resolve(findRepoRoot(), '../shared/reference'));
  } catch {
    // outside the repository: only HAVEN_REFERENCE_DIR can say
  }
  return candidates.find(c => fs.existsSync(path.join(c, 'crds')));
}

/** A CustomResourceDefinition of the reference, as the extract keeps it. */
export interface ReferenceCrd {
  file: string;
  crd: {
    spec: {
      group: string;
      scope: 'Namespaced' | 'Cluster';
      names: { plural: string; kind: string; singular?: string };
      versions: Array<{ name: string; served: boolean; deprecated?: boolean }>;
    };
  };
}

/** Every CRD of the in-repository reference, sorted by file name. */
export function readReferenceCrds(
  referenceDir: string = REFERENCE_DIR,
): ReferenceCrd[] {
  const dir = path.join(referenceDir, 'crds');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.json'))
    .sort()
    .map(file => ({
      file,
      crd: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')),
    }));
}
