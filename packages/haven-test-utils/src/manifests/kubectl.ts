import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type KustomizeBuildResult =
  | { skipped: true; reason: string }
  | { skipped: false; output: string };

/** The kubectl executable on PATH, or undefined. */
export function findKubectl(
  envPath: string | undefined = process.env.PATH,
): string | undefined {
  const names =
    process.platform === 'win32' ? ['kubectl.exe', 'kubectl'] : ['kubectl'];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * Runs `kubectl kustomize <dir>` (execFile, no shell) and resolves with the
 * rendered YAML stream. Resolves `{ skipped: true, reason }` when kubectl is
 * not on PATH (CI may not have it), so callers can say plainly that they
 * skipped. A failing build rejects with kubectl's stderr.
 */
export async function kustomizeBuild(
  dir: string,
): Promise<KustomizeBuildResult> {
  const kubectl = findKubectl();
  if (!kubectl) {
    return {
      skipped: true,
      reason: 'kubectl is not on PATH, so `kubectl kustomize` was not run',
    };
  }
  return new Promise((resolve, reject) => {
    execFile(
      kubectl,
      ['kustomize', dir],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim() || error.message;
          reject(new Error(`kubectl kustomize ${dir} failed: ${detail}`));
          return;
        }
        resolve({ skipped: false, output: String(stdout) });
      },
    );
  });
}
