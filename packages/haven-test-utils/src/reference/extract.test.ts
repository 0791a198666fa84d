import fs from 'node:fs';
import path from 'node:path';
import { loadChartReference } from '../charts/chartReference';
import { extractReference, withoutProse } from './extract';
import { findUpstreamReferenceDir, readReferenceCrds, REFERENCE_DIR } from '.';

describe('the reference extract kept in the repository', () => {
  const sources = JSON.parse(
    fs.readFileSync(path.join(REFERENCE_DIR, 'sources.json'), 'utf8'),
  ) as Record<string, { from: string; sha256: string }>;

  it('holds the 11 Flux and ESO CRDs and the 5 charts, each with its source and digest', () => {
    expect(readReferenceCrds().map(c => c.file)).toHaveLength(11);
    expect(fs.readdirSync(path.join(REFERENCE_DIR, 'charts')).sort()).toEqual([
      'alloy.json',
      'grafana.json',
      'loki.json',
      'tempo-distributed.json',
      'tempo.json',
    ]);
    for (const [file, source] of Object.entries(sources)) {
      expect([file, source.from]).not.toContainEqual('unknown');
      expect(source.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('keeps no prose: no description left in any CRD schema', () => {
    const text = fs
      .readdirSync(path.join(REFERENCE_DIR, 'crds'))
      .map(f => fs.readFileSync(path.join(REFERENCE_DIR, 'crds', f), 'utf8'))
      .join('');
    expect(text).not.toMatch(/"description": "/);
  });

  it('strips descriptions but keeps a field that is named description', () => {
    expect(
      withoutProse({
        type: 'object',
        description: 'prose',
        properties: {
          description: { type: 'string', description: 'prose' },
          items: { type: 'array', items: { type: 'string', title: 't' } },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        description: { type: 'string' },
        items: { type: 'array', items: { type: 'string' } },
      },
    });
  });

  it('loads every chart with its version', () => {
    expect(
      ['alloy', 'grafana', 'loki', 'tempo', 'tempo-distributed'].map(c => {
        const r = loadChartReference(c);
        return r.found ? `${r.chart} ${r.version}` : r.reason;
      }),
    ).toEqual([
      'alloy 1.11.1',
      'grafana 12.11.1',
      'loki 18.11.0',
      'tempo 2.2.4',
      'tempo-distributed 3.3.0',
    ]);
  });
});

/*
 * The cross-check against the upstream files themselves: re-extracting them
 * gives exactly the files in the repository. It needs the upstream folder
 * (HAVEN_REFERENCE_DIR, or shared/reference beside the checkout) and says
 * plainly when it is not there.
 */
const upstream = findUpstreamReferenceDir();
if (!upstream) {
  // eslint-disable-next-line no-console
  console.warn(
    'SKIPPED: the cross-check of reference/ against the upstream files (set HAVEN_REFERENCE_DIR to a folder with crds/*.yaml and charts/<chart>/values.yaml)',
  );
}
(upstream ? describe : describe.skip)(
  'the reference extract against the upstream files',
  () => {
    it('re-extracts byte-identical', () => {
      const files = extractReference(upstream!);
      const inRepo = (f: string) =>
        fs.readFileSync(path.join(REFERENCE_DIR, f), 'utf8');
      const differing = files
        .filter(f => inRepo(f.file) !== f.text)
        .map(f => f.file);
      expect(differing).toEqual([]);
      expect(files).toHaveLength(17);
    });
  },
);
