import fc from 'fast-check';

/*
 * Malformed values, kind by kind, for the bad-input run. Each kind states its
 * rule again from the spec it comes from (Kubernetes names, Vault paths, the
 * Flux CRD duration pattern, OCI references...), independently of the code
 * under test, and generates values that break that rule: a valid value with a
 * breaker spliced in, a value too long, or a known-wrong whole value. A value
 * the rule accepts is never counted as bad.
 */

/** A kind of string value: its rule and how to break it. */
export interface ValueKind {
  name: string;
  /** Values that are fine; breakers are spliced into them. */
  valid: fc.Arbitrary<string>;
  /** The kind's rule, restated from its spec: is `value` fine? */
  isValid(value: string): boolean;
  /** Pieces that break a valid value when spliced in anywhere. */
  breakers: readonly string[];
  /** Whole values known to be wrong. */
  wrong: readonly string[];
  /** Values past the length limit, where the kind has one. */
  tooLong?: fc.Arbitrary<string>;
}

/** Spaces, controls, quotes, template and shell openers, unicode look-alikes. */
const COMMON = [
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\0',
  '"',
  "'",
  '`',
  '\\',
  '{{',
  '}}',
  '${',
  '$(',
  '#',
  ':',
  ';',
  '&',
  '<',
  '>',
  '=',
  '?',
  '@',
  '!',
  ',',
  '[',
  ']',
  '(',
  ')',
  '~',
  '%',
  'é',
  'ß',
  'Ω',
  'ı',
  '\u00a0',
  '\u200b',
  '\u202e',
  '\ufeff',
  '🙂',
  'а' /* Cyrillic a */,
  'Ａ' /* full-width A */,
  '٣' /* Arabic-Indic three */,
] as const;
const UPPER = ['A', 'Z', 'Q'] as const;
/** Path traversal in its usual spellings. */
export const TRAVERSAL = [
  '..',
  '../',
  '/..',
  '../../etc/passwd',
  '..\\..\\',
  '%2e%2e/',
  '/',
  '//',
  './',
] as const;
/** Closing a Vault policy path string and opening a rule of one's own. */
export const HCL_INJECTION = [
  '" }\npath "sys/*" { capabilities = ["sudo"] }\n# ',
  '{{identity.entity.id}}',
  '*',
  '+',
  '"\n',
] as const;
/** Ending a YAML scalar and starting a key, document or tag of one's own. */
export const YAML_INJECTION = [
  '\nkind: Secret\n',
  ': x',
  ' #c',
  '&a ',
  '*a',
  '!!js/function ',
  '\n- x',
  '\n---\n',
  '{a: b}',
  '|\n  x',
] as const;
/** Ending a LogQL/TraceQL label matcher and adding a selector of one's own. */
export const LOGQL_INJECTION = [
  '"} |= "',
  '{job=~".+"}',
  '` or `',
  '|~ ".*"',
  '"}',
  '|',
] as const;

const all = (...lists: ReadonlyArray<readonly string[]>) => [
  ...new Set(lists.flat()),
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const isDnsSubdomain = (v: string) =>
  v.length <= 253 &&
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v) &&
  v.split('.').every(l => l.length <= 63);
const VAULT_SEGMENT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const isVaultSegment = (v: string) => v.length <= 128 && VAULT_SEGMENT.test(v);

/** Kubernetes DNS-1123 label (names of apps, namespaces, service accounts). */
export const dnsLabel: ValueKind = {
  name: 'DNS-1123 label',
  valid: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
  isValid: v => DNS_LABEL.test(v),
  breakers: all(COMMON, UPPER, TRAVERSAL, HCL_INJECTION, YAML_INJECTION, [
    '.',
    '_',
  ]),
  wrong: ['', '-', '-app', 'app-', 'App', 'my app', 'a.b', 'a_b', '..'],
  tooLong: fc.integer({ min: 64, max: 300 }).map(n => 'a'.repeat(n)),
};

/** Kubernetes DNS-1123 subdomain (role and tenant names). */
export const dnsSubdomain: ValueKind = {
  name: 'DNS-1123 subdomain',
  valid: fc.stringMatching(
    /^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?){0,3}$/,
  ),
  isValid: isDnsSubdomain,
  breakers: all(COMMON, UPPER, TRAVERSAL, LOGQL_INJECTION, ['_', '..', '*']),
  wrong: ['', '.', '..', '-a', 'a-', 'a..b', '.a', 'a.', 'team|other', '*'],
  tooLong: fc.oneof(
    fc.integer({ min: 64, max: 120 }).map(n => `${'a'.repeat(n)}.nl`),
    fc.integer({ min: 254, max: 400 }).map(n => 'a.'.repeat(n).slice(0, n)),
  ),
};

/**
 * A Loki/Mimir/Tempo tenant ID (X-Scope-OrgID) as dskit's ValidTenantID
 * states it: 1 to 150 of letters, digits and ! - _ . * ' ( ), never `.` or
 * `..`; `|` (which joins tenants in a query) is never one tenant.
 */
export const tenantId: ValueKind = {
  name: 'tenant ID',
  valid: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
  isValid: v =>
    /^[A-Za-z0-9!._*'()-]{1,150}$/.test(v) && v !== '.' && v !== '..',
  breakers: all(COMMON, LOGQL_INJECTION, YAML_INJECTION, ['/', '|', '{', '}']),
  wrong: ['', '.', '..', 'team-a|team-b', 'team a', 'a/b', '{x}', 'a"b'],
  tooLong: fc.integer({ min: 151, max: 400 }).map(n => 't'.repeat(n)),
};

/** A public hostname for an Ingress: a DNS subdomain with a dot, no wildcard. */
export const hostname: ValueKind = {
  name: 'hostname',
  valid: fc.stringMatching(
    /^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?){1,3}$/,
  ),
  isValid: v => isDnsSubdomain(v) && v.includes('.'),
  breakers: all(COMMON, UPPER, TRAVERSAL, YAML_INJECTION, ['_', '..', '*.']),
  wrong: [
    '',
    'localhost',
    'example',
    '*.example.nl',
    '-a.example.nl',
    'a-.example.nl',
    'a..example.nl',
    '.example.nl',
    'example.nl.',
    'a_b.example.nl',
    'https://example.nl',
    'example.nl:443',
    'example.nl/path',
  ],
  tooLong: fc.oneof(
    fc.integer({ min: 64, max: 120 }).map(n => `${'a'.repeat(n)}.example.nl`),
    fc
      .integer({ min: 254, max: 400 })
      .map(n => `${'ab.'.repeat(Math.ceil(n / 3))}nl`),
  ),
};

/** One Vault path segment (secret names). */
export const vaultSegment: ValueKind = {
  name: 'Vault path segment',
  valid: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
  isValid: isVaultSegment,
  breakers: all(COMMON, TRAVERSAL, HCL_INJECTION, ['..', '.']),
  wrong: ['', '.', '..', '.a', 'a.', 'a..b', 'a/b', '*', '+', '{{x}}'],
  tooLong: fc.integer({ min: 129, max: 400 }).map(n => 'a'.repeat(n)),
};

/** A relative Vault path of segments (the stack's vaultPath). */
export const vaultPath: ValueKind = {
  name: 'Vault path',
  valid: fc.stringMatching(
    /^[a-z0-9][a-z0-9_-]{0,8}(\/[a-z0-9][a-z0-9_-]{0,8}){0,3}$/,
  ),
  isValid: v => {
    const segments = v.split('/');
    return segments.length <= 16 && segments.every(isVaultSegment);
  },
  breakers: all(COMMON, TRAVERSAL, HCL_INJECTION),
  wrong: ['', '/', '/a', 'a/', 'a//b', 'a/../b', 'a/./b', 'a/*', 'sys/+'],
  tooLong: fc
    .integer({ min: 17, max: 40 })
    .map(n => Array.from({ length: n }, () => 'a').join('/')),
};

/** Environment variable / Secret key name: a C identifier. */
export const envVar: ValueKind = {
  name: 'environment variable name',
  valid: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
  isValid: v => v.length <= 128 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v),
  breakers: all(COMMON, YAML_INJECTION, ['-', '.', '/', '$']),
  wrong: ['1KEY', '-KEY', 'MY-KEY', 'MY KEY', 'A=B', 'KEY.NAME', '$KEY'],
  tooLong: fc.integer({ min: 129, max: 300 }).map(n => 'K'.repeat(n)),
};

/** A Helm repository URL: https:// or oci://, a host, no credentials, query, fragment or dot segments. */
export const chartRepositoryUrl: ValueKind = {
  name: 'chart repository URL',
  valid: fc.constantFrom(
    'https://helm.openwebui.com',
    'oci://ghcr.io/open-webui/helm-charts',
    'https://charts.example.nl/stable',
  ),
  isValid: v =>
    /^(https|oci):\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/.test(
      v,
    ) && !v.split('/').some(s => s === '.' || s === '..'),
  breakers: [' ', '\t', '\n', '"', "'", '\\', '/../', '/./', '?a=1', '#x'],
  wrong: [
    '',
    'http://helm.openwebui.com',
    'ftp://helm.example.nl',
    'file:///etc/passwd',
    // eslint-disable-next-line no-script-url -- a value to refuse, never run
    'javascript:alert(1)',
    'helm.openwebui.com',
    'https://',
    'oci://',
    'git+ssh://git@github.com/a/b',
    'https://user:secret@helm.example.nl',
    'https://helm.example.nl/?x=1',
    'https://helm.example.nl/#x',
    'https://helm.example.nl/../x',
    'https://helm.example.nl/./x',
    ' https://helm.openwebui.com',
    'https://helm.openwebui.com\n',
  ],
};

/** A Helm chart name. */
export const chartName: ValueKind = {
  name: 'chart name',
  valid: fc.stringMatching(/^[a-z0-9]([-a-z0-9_]{0,20}[a-z0-9])?$/),
  isValid: v =>
    v.length <= 128 &&
    /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(v) &&
    !v.includes('..'),
  breakers: all(COMMON, UPPER, TRAVERSAL, YAML_INJECTION),
  wrong: ['', '-chart', 'chart-', 'Chart', 'a..b', 'a/b', '../chart'],
  tooLong: fc.integer({ min: 129, max: 300 }).map(n => 'c'.repeat(n)),
};

/** A chart version or SemVer range (Masterminds constraint characters). */
export const chartVersion: ValueKind = {
  name: 'chart version',
  valid: fc.constantFrom('8.x', '1.2.3', '>=8.0.0 <9.0.0', '^8.1', '~1.2'),
  isValid: v =>
    v.trim().length > 0 &&
    v.length <= 64 &&
    /^[0-9A-Za-z.*^~<>=|+, -]+$/.test(v) &&
    /[0-9*xX]/.test(v),
  breakers: [
    '\n',
    '\t',
    '"',
    "'",
    '\\',
    '/',
    '{{',
    '$',
    ';',
    '#',
    ':',
    '`',
    '&',
    '(',
    ')',
    '@',
    '!',
    '?',
    '[',
    ']',
    '\0',
    'é',
    '🙂',
    '\u202e',
  ],
  wrong: ['', '   ', 'latest', 'stable', 'main', '1.0\n  kind: Secret'],
  tooLong: fc.integer({ min: 65, max: 200 }).map(n => '1'.repeat(n)),
};

/** A duration as Flux's CRDs accept it. */
export const duration: ValueKind = {
  name: 'duration',
  valid: fc.stringMatching(/^[1-9][0-9]{0,3}(ms|s|m|h)$/),
  isValid: v => /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(v),
  breakers: [
    ' ',
    '\n',
    'd',
    'w',
    'y',
    'H',
    '-',
    '.',
    'e',
    'x',
    '#',
    ':',
    '"',
    '٣',
    '\u200b',
    '{{',
  ],
  wrong: [
    '',
    '1d',
    '1w',
    '-1h',
    'h',
    '1',
    '1.h',
    '.5h',
    'P1D',
    '1h ',
    ' 1h',
    '1 h',
    '∞',
    '1e3h',
    '0x10h',
    '1H',
    '10M',
    '١h',
  ],
};

/** A relative path inside a repository or workspace. */
export const repoPath: ValueKind = {
  name: 'repository path',
  valid: fc.stringMatching(
    /^[a-z0-9][a-z0-9_-]{0,10}(\/[a-z0-9][a-z0-9_.-]{0,10}){0,3}$/,
  ),
  isValid: v =>
    !v.startsWith('/') &&
    v
      .split('/')
      .every(
        s =>
          s !== '' &&
          s !== '.' &&
          !s.includes('..') &&
          /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s),
      ),
  breakers: all(COMMON, TRAVERSAL, ['$HOME', '~/']),
  wrong: [
    '',
    '/',
    '/etc/passwd',
    '../x',
    'a/../../b',
    'a//b',
    'a/./b',
    '.',
    'a/',
    '.git/config',
    'C:\\x',
  ],
};

/** A chart value path: keys joined by dots. */
export const valuesPath: ValueKind = {
  name: 'chart value path',
  valid: fc.stringMatching(
    /^[a-zA-Z_][a-zA-Z0-9_]{0,10}(\.[a-zA-Z_][a-zA-Z0-9_]{0,10}){0,2}$/,
  ),
  isValid: v =>
    v.length <= 128 &&
    /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/.test(v),
  breakers: all(COMMON, YAML_INJECTION, ['..', '/', '[0]', '.1']),
  wrong: ['', '.', 'a.', '.a', 'a..b', '1a', 'a[0]', 'a b', 'a/b'],
  tooLong: fc.integer({ min: 129, max: 300 }).map(n => 'v'.repeat(n)),
};

/** An S3 bucket name prefix leaving room for the longest suffix. */
export const bucketPrefix: ValueKind = {
  name: 'bucket prefix',
  valid: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/),
  isValid: v => /^[a-z0-9][a-z0-9-]{1,43}$/.test(v),
  breakers: all(COMMON, UPPER, TRAVERSAL, ['_', '.']),
  wrong: ['', 'a', '-abc', 'ABC', 'a_b', 'a.b'],
  tooLong: fc.integer({ min: 45, max: 100 }).map(n => 'b'.repeat(n)),
};

/** An S3 region name. */
export const region: ValueKind = {
  name: 'S3 region',
  valid: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
  isValid: v => /^[a-z0-9][a-z0-9-]{0,30}$/.test(v),
  breakers: all(COMMON, UPPER, TRAVERSAL, YAML_INJECTION, ['_', '.']),
  wrong: ['', '-nl', 'NL-AMS', 'nl_ams'],
  tooLong: fc.integer({ min: 32, max: 100 }).map(n => 'r'.repeat(n)),
};

/** A top-level YAML key. */
export const yamlKey: ValueKind = {
  name: 'YAML key',
  valid: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/),
  isValid: v => /^[A-Za-z][A-Za-z0-9_-]*$/.test(v),
  breakers: all(COMMON, YAML_INJECTION, ['.', '/']),
  wrong: ['', '1key', '-key', 'a.b', 'a b', '<<'],
};

/** An OCI image name without tag or digest. */
export const imageName: ValueKind = {
  name: 'image name',
  valid: fc.constantFrom(
    'ghcr.io/open-webui/open-webui',
    'docker.io/library/nginx',
    'registry.example.nl:5000/team/app',
  ),
  isValid: v =>
    v.length <= 255 &&
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(
      v,
    ),
  breakers: all(COMMON, UPPER, TRAVERSAL, YAML_INJECTION),
  wrong: [
    '',
    'nginx',
    'ghcr.io/a/b:latest',
    'ghcr.io/a/b@sha256:00',
    'Ghcr.io/a/b',
  ],
};

/** An image tag (OCI distribution spec). */
export const imageTag: ValueKind = {
  name: 'image tag',
  valid: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,20}$/),
  isValid: v => /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(v),
  breakers: all(COMMON, TRAVERSAL, YAML_INJECTION, ['/', '+']),
  wrong: ['', '.1', '-1', 'a b', 'v1/x'],
  tooLong: fc.integer({ min: 129, max: 300 }).map(n => 't'.repeat(n)),
};

/** One of a fixed list of names. */
export function oneOf(name: string, values: readonly string[]): ValueKind {
  return {
    name,
    valid: fc.constantFrom(...values),
    isValid: v => values.includes(v),
    breakers: all(COMMON, UPPER, TRAVERSAL, ['-x', '.', '_']),
    wrong: [
      '',
      'other',
      ...values.map(v => v.toUpperCase()),
      ...values.map(v => `${v} `),
    ],
  };
}

/** Values that break the kind's rule, never one it accepts. */
export function badValues(kind: ValueKind): fc.Arbitrary<string> {
  const spliced = fc
    .tuple(kind.valid, fc.constantFrom(...kind.breakers), fc.nat())
    .map(([value, breaker, at]) => {
      const i = at % (value.length + 1);
      return value.slice(0, i) + breaker + value.slice(i);
    });
  const sources: Array<fc.Arbitrary<string>> = [
    spliced,
    spliced,
    fc.constantFrom(...kind.wrong),
  ];
  if (kind.tooLong) sources.push(kind.tooLong);
  return fc.oneof(...sources).filter(v => !kind.isValid(v));
}

/** Integers outside [min, max], fractions and values of another type. */
export function badNumbers(min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: -1_000_000, max: min - 1 }),
    fc.integer({ min: max + 1, max: 10_000_000 }),
    fc
      .double({ min, max, noInteger: true, noNaN: true })
      .filter(n => Number.isFinite(n)),
    fc.constantFrom<unknown>(String(min), null, true, [], {}, 'NaN'),
  );
}

/** Values of another type where a boolean belongs. */
export const badBooleans: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  'true',
  'yes',
  1,
  0,
  null,
  [],
  {},
);

/** A copy of `base` with `value` at `path` (undefined removes the key). */
export function withValue<T>(
  base: T,
  path: readonly string[],
  value: unknown,
): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (!next || typeof next !== 'object') at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy as T;
}
