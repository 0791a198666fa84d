/*
 * One measured figure, as `yarn bench` and `yarn test:reliability` print and
 * store them: what was measured, the value, and the goal it is held to.
 */
export interface Figure {
  /** Table the figure belongs to, e.g. "Entity summary" or "Bad inputs". */
  section: string;
  /** What was measured, e.g. "p95 warm, 50 viewers". */
  metric: string;
  value: number | string;
  /** "ms", "req/s", "requests", "KB gzip", "count"... */
  unit: string;
  /** The goal in words, e.g. "<= 30 ms"; absent when the figure has none. */
  goal?: string;
  /** Whether the value meets the goal; absent when there is no goal. */
  met?: boolean;
  /** Why a goal is missed, or how the figure was taken. */
  note?: string;
}

/** "met", "MISSED", or nothing when the figure has no goal. */
const verdict = (f: Figure) => {
  if (f.met === undefined) return '';
  return f.met ? 'met' : 'MISSED';
};

const cell = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|');

/** The figures as Markdown tables, one per section, in first-seen order. */
export function figuresToMarkdown(figures: Figure[]): string {
  const sections = [...new Set(figures.map(f => f.section))];
  return sections
    .map(section => {
      const rows = figures
        .filter(f => f.section === section)
        .map(
          f =>
            `| ${cell(f.metric)} | ${cell(f.value)} ${cell(f.unit)} | ${cell(
              f.goal ?? '',
            )} | ${verdict(f)} | ${cell(f.note ?? '')} |`,
        );
      return [
        `### ${section}`,
        '',
        '| Measure | Figure | Goal | | Note |',
        '|---|---|---|---|---|',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}

/** The figures as a plain-text table for a terminal. */
export function figuresToText(figures: Figure[]): string {
  const rows = figures.map(f => [
    f.section,
    f.metric,
    `${f.value} ${f.unit}`.trim(),
    f.goal ?? '',
    verdict(f),
  ]);
  const header = ['Section', 'Measure', 'Figure', 'Goal', ''];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/** Percentile (0-100) of numbers by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
