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
 * Where the upstream reference data (CRDs, chart values, contracts) lives:
 * HAVEN_REFERENCE_DIR, else shared/reference beside the repository checkout.
 * Returns undefined when it is not there, so tests can say they skipped.
 */
export function findReferenceDir(): string | undefined {
  const candidates = [
    process.env.HAVEN_REFERENCE_DIR,
    path.resolve(findRepoRoot(), '../shared/reference'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find(c => fs.existsSync(path.join(c, 'crds')));
}
