import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import {
  assertValid,
  chartNameProblems,
  chartRepositoryUrlProblems,
  chartVersionProblems,
  dnsSubdomainProblems,
  durationProblems,
  envVarNameProblems,
  hostnameProblems,
  repoPathProblems,
} from './validation';

const RUNS = 300;

/** Characters that would change YAML, a URL or a path if let through. */
const breaker = fc.constantFrom(
  '\n',
  '"',
  "'",
  '\\',
  ' ',
  ':',
  '#',
  '{',
  '}',
  '$',
  '`',
  '..',
  '//',
  '\u0000',
);

describe('gitops input rules', () => {
  it('accepts the values a form normally carries', () => {
    expect(hostnameProblems('voorbeeld.chat.haven.example.nl')).toEqual([]);
    expect(dnsSubdomainProblems('open-webui.voorbeeld')).toEqual([]);
    expect(envVarNameProblems('WEBUI_SECRET_KEY')).toEqual([]);
    expect(chartRepositoryUrlProblems('https://helm.openwebui.com')).toEqual(
      [],
    );
    expect(
      chartRepositoryUrlProblems('oci://ghcr.io/grafana-community/helm-charts'),
    ).toEqual([]);
    expect(chartNameProblems('open-webui')).toEqual([]);
    for (const v of ['8.1.0', '8.x', '>=8.0.0 <9.0.0', '^8.1', '*']) {
      expect(chartVersionProblems(v)).toEqual([]);
    }
    for (const d of ['1h', '10m0s', '90s', '1.5h']) {
      expect(durationProblems(d)).toEqual([]);
    }
    expect(repoPathProblems('clusters/haven-sandbox/apps')).toEqual([]);
  });

  it.each([
    ['hostname', hostnameProblems, '*.example.nl', /wildcard/],
    ['hostname', hostnameProblems, 'localhost', /fully qualified/],
    ['hostname', hostnameProblems, 'Example.NL', /lower-case/],
    ['env var', envVarNameProblems, '1KEY', /not starting with a digit/],
    ['chart url', chartRepositoryUrlProblems, 'http://x.nl', /https:\/\//],
    [
      'chart url',
      chartRepositoryUrlProblems,
      'https://u:p@x.nl',
      /credentials/,
    ],
    ['chart url', chartRepositoryUrlProblems, 'https://x.nl/?a=b', /query/],
    ['chart url', chartRepositoryUrlProblems, 'https://x.nl/a/../b', /'\.\.'/],
    ['chart name', chartNameProblems, 'Open WebUI', /lower-case/],
    ['chart version', chartVersionProblems, 'latest', /SemVer range/],
    ['duration', durationProblems, '1d', /duration/],
    ['repo path', repoPathProblems, '/etc/passwd', /relative/],
    ['repo path', repoPathProblems, 'apps/../secrets', /'\.\.'/],
    ['repo path', repoPathProblems, 'apps//x', /empty/],
  ])('%s: rejects %p', (_what, rule, value, message) => {
    const problems = rule(value as string);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message as RegExp);
  });

  it(`rejects ${RUNS} generated values carrying a character that could change YAML, URLs or paths`, () => {
    const rules = [
      hostnameProblems,
      envVarNameProblems,
      chartNameProblems,
      durationProblems,
      repoPathProblems,
    ];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
        breaker,
        fc.stringMatching(/^[a-z0-9]{0,10}$/),
        fc.constantFrom(...rules),
        (head, bad, tail, rule) => {
          const value = `${head}${bad}${tail}`;
          expect(rule(value).length).toBeGreaterThan(0);
          expect(() => assertValid(value, 'field', rule)).toThrow(InputError);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
