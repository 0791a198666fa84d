/*
 * `yarn bench`, scaffolder section: Vault requests per object (reads and
 * writes) and wall time of haven:vault:provision, first run and re-run, and
 * the haven-service template end to end through the real scaffolder engine
 * against the doubles (no injected latency), median task wall time.
 *
 * The measuring happens in a jest file,
 * packages/backend/src/reliability/scaffolder.bench.ts, because the action
 * runs through the plugin's test harness (createMockActionContext with a
 * jest.fn logger) and the engine through the same harness the reliability
 * suites use, so the bench measures exactly what they test. This module runs
 * that file with `backstage-cli repo test` and returns the figures it wrote.
 * HAVEN_BENCH_REPEATS sets the runs per measure (default 5).
 *
 * Alone: yarn workspace backend tsx ../../scripts/bench/scaffolder.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  figuresToText,
  type Figure,
} from '../../packages/backend/src/reliability/figureTable';
import { readFigures, runFigureSuites } from '../reliability/run';

export async function runScaffolderBench(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-scaffolder-bench-'));
  try {
    const { ok } = await runFigureSuites({
      testMatch: '**/reliability/scaffolder.bench.ts',
      figuresDir: dir,
      quiet: true,
    });
    const figures = readFigures(dir, ['scaffolder-bench']);
    if (!ok || figures.length === 0) {
      throw new Error(
        'the scaffolder bench (packages/backend/src/reliability/scaffolder.bench.ts) failed; its jest output is above',
      );
    }
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runScaffolderBench().then(
    figures => {
      // eslint-disable-next-line no-console
      console.log(figuresToText(figures));
    },
    error => {
      // eslint-disable-next-line no-console
      console.error(error);
      process.exit(1);
    },
  );
}
