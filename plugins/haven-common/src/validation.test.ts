import fc from 'fast-check';
import { InputError } from '@backstage/errors';
import {
  assertDnsLabel,
  assertVaultPath,
  assertVaultPathSegment,
  assertTenantId,
  dnsLabelProblems,
  tenantIdProblems,
  vaultPathProblems,
} from './validation';

const RUNS = 300;

/** A valid segment: [A-Za-z0-9_-]+ joined by single dots. */
const validSegment = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), {
    minLength: 1,
    maxLength: 3,
  })
  .map(parts => parts.join('.'));
const validPath = fc
  .array(validSegment, { minLength: 1, maxLength: 5 })
  .map(segments => segments.join('/'));

/** Everything that could break out of a Vault path or an HCL/JSON policy string. */
const dangerous = fc.constantFrom(
  '..',
  '*',
  '+',
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '{{',
  '}',
  '{',
  '#',
  '%',
  '?',
  '\u0000',
  '`',
  '$',
  '<',
  '>',
  '|',
  ';',
  ',',
  ':',
  '=',
  '[',
  ']',
  '(',
  ')',
  '\u00e9',
  '\u202e',
);

/** A valid path with something dangerous spliced into it at any position. */
const badPath = fc
  .tuple(validPath, dangerous, fc.nat())
  .map(([path, bad, at]) => {
    const i = at % (path.length + 1);
    return path.slice(0, i) + bad + path.slice(i);
  })
  .filter(
    p =>
      !p.split('/').every(s => /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(s)),
  );

/** Broken structure: leading, trailing or double slashes, dot segments. */
const badStructure = fc.oneof(
  validPath.map(p => `/${p}`),
  validPath.map(p => `${p}/`),
  fc.tuple(validPath, validPath).map(([a, b]) => `${a}//${b}`),
  fc.tuple(validPath, fc.constantFrom('.', '..')).map(([a, d]) => `${a}/${d}`),
  validPath.map(p => `${p}.`),
  fc.constant(''),
);

describe('Vault path rules', () => {
  it('accept generated valid paths', () => {
    fc.assert(
      fc.property(validPath, path => {
        expect(vaultPathProblems(path)).toEqual([]);
        expect(assertVaultPath(path, 'path')).toEqual(path.split('/'));
      }),
      { numRuns: RUNS },
    );
  });

  it('reject every generated path with a dangerous character, as InputError', () => {
    fc.assert(
      fc.property(badPath, path => {
        expect(() => assertVaultPath(path, 'secrets path')).toThrow(InputError);
      }),
      { numRuns: RUNS },
    );
  });

  it('reject every generated path with a broken structure', () => {
    fc.assert(
      fc.property(badStructure, path => {
        expect(vaultPathProblems(path).length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('say what is wrong, naming the field', () => {
    expect(() => assertVaultPath('apps/../root', 'secrets path')).toThrow(
      `Invalid secrets path: ".." must not contain '..'`,
    );
    expect(vaultPathProblems('apps/*')).toEqual([
      `"*" must not contain the glob characters '*' or '+'`,
    ]);
    expect(vaultPathProblems('apps//x')).toEqual([
      'must not be empty (no leading, trailing or double slashes)',
    ]);
    expect(vaultPathProblems('apps/x"}\npath')).toEqual([
      `"x\\"}\\npath" must not contain '{' or '}' (policy templates)`,
    ]);
    expect(() => assertVaultPathSegment('a/b', 'segment')).toThrow(
      'may contain only letters, digits',
    );
  });
});

describe('DNS-1123 labels', () => {
  it('accept generated valid labels', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
        label => {
          expect(assertDnsLabel(label, 'name')).toBe(label);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reject generated invalid labels, as InputError', () => {
    const invalid = fc
      .string({ minLength: 0, maxLength: 80 })
      .filter(s => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s));
    fc.assert(
      fc.property(invalid, label => {
        expect(() => assertDnsLabel(label, 'name')).toThrow(InputError);
      }),
      { numRuns: RUNS },
    );
  });

  it('explain length and characters', () => {
    expect(dnsLabelProblems('a'.repeat(64))).toEqual([
      'must be at most 63 characters (has 64)',
    ]);
    expect(dnsLabelProblems('Orders')[0]).toContain('lower-case letters');
    expect(dnsLabelProblems('-x')[0]).toContain(
      'start and end with a letter or digit',
    );
  });
});

describe('tenant IDs (X-Scope-OrgID)', () => {
  const allowed = /^[A-Za-z0-9!._*'()-]{1,150}$/;

  it('accept generated IDs of the allowed characters', () => {
    fc.assert(
      fc.property(
        fc
          .stringMatching(/^[A-Za-z0-9!._*'()-]{1,150}$/)
          .filter(s => s !== '.' && s !== '..'),
        id => {
          expect(assertTenantId(id, 'tenant')).toBe(id);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reject generated IDs with any other character, as InputError', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 0, maxLength: 160 })
          .filter(s => !allowed.test(s)),
        id => {
          expect(() => assertTenantId(id, 'tenant')).toThrow(InputError);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("refuse '.', '..', '|', over-long and empty IDs, saying why", () => {
    expect(tenantIdProblems('.')[0]).toContain("'.' and '..' are refused");
    expect(tenantIdProblems('..')[0]).toContain("'.' and '..' are refused");
    expect(tenantIdProblems('team-a|team-b')[0]).toContain(
      'must name one tenant',
    );
    expect(tenantIdProblems('a'.repeat(151))).toEqual([
      'must be at most 150 characters (has 151)',
    ]);
    expect(tenantIdProblems('')).toEqual(['must not be empty']);
    expect(() => assertTenantId('team a', 'tenancy.defaultTenant')).toThrow(
      `Invalid tenancy.defaultTenant: "team a" may contain only letters, digits and ! - _ . * ' ( ) (e.g. team-a)`,
    );
    expect(tenantIdProblems("Team_A.(prod)*'!")).toEqual([]);
  });
});
