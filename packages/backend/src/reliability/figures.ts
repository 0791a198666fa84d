import fs from 'node:fs';
import path from 'node:path';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import type { Figure } from './figureTable';

export type { Figure };

/** Where suites leave their figures: HAVEN_FIGURES_DIR, else reliability-results/ at the repo root. */
export function figuresDir(): string {
  return (
    process.env.HAVEN_FIGURES_DIR ??
    path.join(findRepoRoot(), 'reliability-results')
  );
}

/**
 * A figure held to a goal: `met` is worked out here, so the printed table and
 * the suite's own assertion cannot disagree.
 */
export function goalFigure(figure: Omit<Figure, 'met'>, met: boolean): Figure {
  return { ...figure, met };
}

/**
 * Collects one suite's figures and writes them to `<figuresDir>/<file>.json`
 * when the suite ends, passed or failed, so a failing run still shows what
 * it measured.
 */
export function recordFigures(file: string): {
  add(...figures: Figure[]): void;
  all(): Figure[];
} {
  const figures: Figure[] = [];
  afterAll(() => {
    const dir = figuresDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${file}.json`),
      `${JSON.stringify(figures, null, 2)}\n`,
      'utf8',
    );
  });
  return {
    add: (...more) => {
      figures.push(...more);
    },
    all: () => [...figures],
  };
}
