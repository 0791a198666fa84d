import { parse } from 'yaml';
import { addSecretToExternalSecret, addSecretToHelmRelease } from './addSecret';
import { registerEntry } from './register';
import { unregisterEntry } from './yamlWriter';

/*
 * Edits of hand-kept fleet files change only the lines they own. Each case
 * compares the file's lines before and after (line ends kept, so CRLF and
 * a missing final newline count) and expects exactly one run of lines to
 * differ: the lines removed there and the lines added.
 */

/** Lines with their line ends; the last one without, when the file has none. */
function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** The one run of lines that differs between `before` and `after`. */
function lineDiff(before: string, after: string) {
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    at: head,
    removed: a.slice(head, a.length - tail),
    added: b.slice(head, b.length - tail),
  };
}

/** The same lines under the same split the brief's readers use: `\r?\n`. */
function sameOutside(
  before: string,
  after: string,
  at: number,
  removed: number,
  added: number,
) {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  expect(b.slice(0, at)).toEqual(a.slice(0, at));
  expect(b.slice(at + added)).toEqual(a.slice(at + removed));
}

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

describe('registerEntry on hand-kept kustomization.yaml files', () => {
  const HAND_KEPT = `# Apps of haven-sandbox.   Keep them sorted, more or less.
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind:   Kustomization

# --- team a ---
# (a comment-only block)

resources:
    - apps/foo   # team x
    - 'apps/bar'     #team y

    # - apps/old   # retired in 2025


namePrefix: "haven-"   # quoted on purpose
...
`;

  it('adds one line after the last entry and leaves every other byte', () => {
    const result = registerEntry(HAND_KEPT, 'apps/orders.yaml');
    expect(result).toMatchObject({ changed: true, entries: 3 });
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 11,
      removed: [],
      // The entries' indentation and quoting, not the library's.
      added: ["    - 'apps/orders.yaml'\n"],
    });
    sameOutside(HAND_KEPT, result.text, 11, 0, 1);
    expect(parse(result.text.replace('...\n', '')).resources).toEqual([
      'apps/foo',
      'apps/bar',
      'apps/orders.yaml',
    ]);
  });

  it('keeps CRLF line ends, and no final newline where there was none', () => {
    const before =
      'kind: Kustomization\r\nresources:\r\n  - a.yaml    # x\r\n  - b.yaml';
    const result = registerEntry(before, 'c.yaml');
    expect(result.text).toBe(`${before}\r\n  - c.yaml`);
    expect(lineDiff(before, result.text)).toEqual({
      at: 3,
      removed: ['  - b.yaml'],
      added: ['  - b.yaml\r\n', '  - c.yaml'],
    });
    sameOutside(before, result.text, 4, 0, 1);
  });

  it('writes CRLF for the new line of a CRLF file', () => {
    const result = registerEntry(crlf(HAND_KEPT), 'apps/orders.yaml');
    expect(result.text).toBe(
      crlf(registerEntry(HAND_KEPT, 'apps/orders.yaml').text),
    );
  });

  it.each([
    [
      'to a flow list, in the list on its line',
      'kind: Kustomization\nresources: [a.yaml,   "b.yaml"]   # flow, on purpose\nnamePrefix: x\n',
      {
        at: 1,
        removed: ['resources: [a.yaml,   "b.yaml"]   # flow, on purpose\n'],
        added: [
          'resources: [a.yaml,   "b.yaml", "c.yaml"]   # flow, on purpose\n',
        ],
      },
    ],
    [
      'to a one-per-line flow list on a line of its own, the old comment staying',
      'resources: [\n  a.yaml,   # one\n  b.yaml    # two\n]\n',
      {
        at: 2,
        removed: ['  b.yaml    # two\n'],
        added: ['  b.yaml,    # two\n', '  c.yaml\n'],
      },
    ],
    [
      'to a one-per-line flow list with trailing commas, with one',
      'resources: [\n  a.yaml,\n  b.yaml,  # two\n]\n',
      { at: 3, removed: [], added: ['  c.yaml,\n'] },
    ],
    [
      'under a key with no value, the key line unchanged',
      '# head\nresources:   # soon\n\n# tail   comment\n',
      { at: 2, removed: [], added: ['  - c.yaml\n'] },
    ],
    [
      'the list after the last key when there is none, comments after it staying last',
      'kind:    Kustomization   # k\n\n# the end\n',
      { at: 1, removed: [], added: ['resources:\n', '  - c.yaml\n'] },
    ],
  ])('adds %s', (_what, before, diff) => {
    const result = registerEntry(before, 'c.yaml');
    expect(lineDiff(before, result.text)).toEqual(diff);
    expect(parse(result.text).resources).toContain('c.yaml');
  });

  it('writes a block list as the file does, unindented under its key', () => {
    const before = 'resources:\n- a.yaml  # one\nnamePrefix: x\n';
    expect(registerEntry(before, 'b.yaml').text).toBe(
      'resources:\n- a.yaml  # one\n- b.yaml\nnamePrefix: x\n',
    );
  });

  it.each([
    [
      '[]',
      'resources: []   # none yet\n',
      ['resources:   # none yet\n', '  - a.yaml\n'],
    ],
    ['~', 'resources: ~\n', ['resources:\n', '  - a.yaml\n']],
  ])(
    'turns an empty list (%s) into a block list, the rest of the file unchanged',
    (_what, line, added) => {
      const before = `# head\nkind: Kustomization\n${line}\n# tail   comment\n`;
      const result = registerEntry(before, 'a.yaml');
      expect(lineDiff(before, result.text)).toEqual({
        at: 2,
        removed: [line],
        added,
      });
    },
  );

  it('adds the list to a comment-only file', () => {
    expect(registerEntry('# nothing yet\n', 'a.yaml').text).toBe(
      '# nothing yet\nresources:\n  - a.yaml\n',
    );
  });

  it.each([
    ['the hand-kept file', HAND_KEPT],
    ['a CRLF file without a final newline', 'resources:\r\n  - a.yaml    # x'],
    ['a flow list', 'resources: [a.yaml]  # f\n'],
    ['an empty list', 'resources: []\n'],
  ])('is byte-identical when run again on %s', (_what, text) => {
    const once = registerEntry(text, 'orders.yaml');
    expect(once.changed).toBe(true);
    expect(registerEntry(once.text, 'orders.yaml')).toEqual({
      text: once.text,
      changed: false,
      entries: once.entries,
    });
  });
});

describe('addSecretToExternalSecret on a hand-kept ExternalSecret', () => {
  const HAND_KEPT = `# orders-db: synced from Vault   (kept by hand)
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: orders-db   # same as the app
spec:
  refreshInterval: "1h"

  secretStoreRef: {kind: SecretStore, name: vault-team-a}
  data:
  - secretKey: DB_PASSWORD     # from Vault
    remoteRef:
      key: 'apps/team-a/orders/db'
      property: value

  # the Secret it writes
  target:
    name: orders-db
`;
  const secret = {
    secretKey: 'API_KEY',
    remoteKey: 'apps/team-a/orders/api-key',
  };

  it('adds one item after the last, written as the file writes its list', () => {
    const result = addSecretToExternalSecret(HAND_KEPT, secret);
    expect(result.changed).toBe(true);
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 14,
      removed: [],
      added: [
        '  - secretKey: API_KEY\n',
        '    remoteRef:\n',
        '      key: apps/team-a/orders/api-key\n',
        '      property: value\n',
      ],
    });
    sameOutside(HAND_KEPT, result.text, 14, 0, 4);
    expect(addSecretToExternalSecret(result.text, secret)).toEqual({
      text: result.text,
      changed: false,
    });
  });

  it('does the same in CRLF', () => {
    expect(addSecretToExternalSecret(crlf(HAND_KEPT), secret).text).toBe(
      crlf(addSecretToExternalSecret(HAND_KEPT, secret).text),
    );
  });

  it('adds spec.data after the last key of spec when there is none', () => {
    const before =
      'kind: ExternalSecret\nspec:\n    target:\n        name: x   # t\n# end\n';
    const result = addSecretToExternalSecret(before, secret);
    expect(lineDiff(before, result.text)).toEqual({
      at: 4,
      removed: [],
      added: [
        '    data:\n',
        '        - secretKey: API_KEY\n',
        '          remoteRef:\n',
        '              key: apps/team-a/orders/api-key\n',
        '              property: value\n',
      ],
    });
  });
});

describe('addSecretToHelmRelease on a hand-kept HelmRelease', () => {
  const HAND_KEPT = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: orders
spec:
  values:
    extraEnvVars:
      - name: DB_PASSWORD
        valueFrom:
          secretKeyRef: { name: orders-vault, key: DB_PASSWORD }   # from Vault

      # telemetry
      - name: OTEL_SERVICE_NAME
        value: "orders"
`;
  const env = {
    envValuesPath: 'extraEnvVars',
    name: 'API_KEY',
    secretName: 'orders-vault',
  };

  it('puts the variable after the other secrets, before the comment of the next group', () => {
    const result = addSecretToHelmRelease(HAND_KEPT, env);
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 10,
      removed: [],
      added: [
        '      - name: API_KEY\n',
        '        valueFrom:\n',
        '          secretKeyRef:\n',
        '            name: orders-vault\n',
        '            key: API_KEY\n',
      ],
    });
    expect(addSecretToHelmRelease(result.text, env)).toEqual({
      text: result.text,
      changed: false,
    });
  });

  it('puts the first secret variable at the top of the list, under its header comment', () => {
    const before = `kind: HelmRelease
spec:
  values:
    extraEnvVars:   # hand-kept
      # plain values
      - {name: LOG_LEVEL, value: debug}
`;
    const result = addSecretToHelmRelease(before, env);
    expect(lineDiff(before, result.text)).toEqual({
      at: 5,
      removed: [],
      added: [
        '      - name: API_KEY\n',
        '        valueFrom:\n',
        '          secretKeyRef:\n',
        '            name: orders-vault\n',
        '            key: API_KEY\n',
      ],
    });
  });

  it('adds the list after the last chart value when there is none', () => {
    const before =
      'kind: HelmRelease\r\nspec:\r\n  values:\r\n    replicas: 2   # two\r\n';
    const result = addSecretToHelmRelease(before, env);
    expect(lineDiff(before, result.text)).toEqual({
      at: 4,
      removed: [],
      added: [
        '    extraEnvVars:\r\n',
        '      - name: API_KEY\r\n',
        '        valueFrom:\r\n',
        '          secretKeyRef:\r\n',
        '            name: orders-vault\r\n',
        '            key: API_KEY\r\n',
      ],
    });
  });

  it('sets chart values of a profile in place, keeping quoting and comments', () => {
    const before = `kind: HelmRelease
metadata:
  annotations:
    haven.plus/app-profile: open-webui
spec:
  values:
    openaiApiKeyExistingSecret: 'old-secret'   # set by hand
    extraEnvVars: []

# end
`;
    const result = addSecretToHelmRelease(before, {
      ...env,
      name: 'OPENAI_API_KEY',
      secretName: 'open-webui-vault',
    });
    expect(lineDiff(before, result.text)).toEqual({
      at: 6,
      removed: [
        "    openaiApiKeyExistingSecret: 'old-secret'   # set by hand\n",
        '    extraEnvVars: []\n',
      ],
      added: [
        "    openaiApiKeyExistingSecret: 'open-webui-vault'   # set by hand\n",
        '    extraEnvVars: []\n',
        '    openaiApiKeyExistingSecretKey: OPENAI_API_KEY\n',
      ],
    });
  });
});

describe('unregisterEntry on hand-kept kustomization.yaml files', () => {
  const HAND_KEPT = `# Apps of haven-sandbox.   Keep them sorted, more or less.
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind:   Kustomization

# --- team a ---
# (a comment-only block)

resources:
    - apps/foo   # team x

    - 'orders.yaml'     #team y
    # - apps/old   # retired in 2025
    - apps/bar


namePrefix: "haven-"   # quoted on purpose
...
`;

  it('takes out only the entry line, its trailing comment with it', () => {
    const result = unregisterEntry(HAND_KEPT, 'orders.yaml');
    expect(result).toMatchObject({ changed: true, entries: 2 });
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 11,
      removed: ["    - 'orders.yaml'     #team y\n"],
      added: [],
    });
    sameOutside(HAND_KEPT, result.text, 11, 1, 0);
    expect(parse(result.text.replace('...\n', '')).resources).toEqual([
      'apps/foo',
      'apps/bar',
    ]);
  });

  it('takes out the last entry, the comment and blank lines after it staying', () => {
    const result = unregisterEntry(HAND_KEPT, 'apps/bar');
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 13,
      removed: ['    - apps/bar\n'],
      added: [],
    });
    sameOutside(HAND_KEPT, result.text, 13, 1, 0);
  });

  it('takes out the first entry, the blank line after it staying', () => {
    const result = unregisterEntry(HAND_KEPT, 'apps/foo');
    expect(lineDiff(HAND_KEPT, result.text)).toEqual({
      at: 9,
      removed: ['    - apps/foo   # team x\n'],
      added: [],
    });
  });

  it('takes out the only entry and leaves its key line as it was', () => {
    const before =
      '# head\nresources:   # apps\n  - a.yaml  # one\n\n# tail   comment\n';
    const result = unregisterEntry(before, 'a.yaml');
    expect(result).toMatchObject({ changed: true, entries: 0 });
    expect(result.text).toBe(
      '# head\nresources:   # apps\n\n# tail   comment\n',
    );
    // Adding it back gives the file it was.
    expect(registerEntry(result.text, 'a.yaml').text).toBe(
      '# head\nresources:   # apps\n  - a.yaml\n\n# tail   comment\n',
    );
  });

  it('matches the entry written as ./entry', () => {
    const result = unregisterEntry(
      'resources:\n- ./a.yaml\n- b.yaml\n',
      'a.yaml',
    );
    expect(result.text).toBe('resources:\n- b.yaml\n');
  });

  it('keeps CRLF line ends, and no final newline where there was none', () => {
    const before =
      'kind: Kustomization\r\nresources:\r\n  - a.yaml    # x\r\n  - b.yaml\r\n  - c.yaml';
    expect(unregisterEntry(before, 'b.yaml').text).toBe(
      'kind: Kustomization\r\nresources:\r\n  - a.yaml    # x\r\n  - c.yaml',
    );
    expect(unregisterEntry(crlf(HAND_KEPT), 'orders.yaml').text).toBe(
      crlf(unregisterEntry(HAND_KEPT, 'orders.yaml').text),
    );
  });

  it.each([
    [
      'the first item of a flow list',
      'kind: Kustomization\nresources: [a.yaml,   "b.yaml"]   # flow, on purpose\nnamePrefix: x\n',
      'a.yaml',
      'resources: ["b.yaml"]   # flow, on purpose\n',
    ],
    [
      'the last item of a flow list',
      'kind: Kustomization\nresources: [a.yaml,   "b.yaml"]   # flow, on purpose\nnamePrefix: x\n',
      'b.yaml',
      'resources: [a.yaml]   # flow, on purpose\n',
    ],
    [
      'the only item of a flow list',
      'kind: Kustomization\nresources: [ b.yaml ]   # flow\nnamePrefix: x\n',
      'b.yaml',
      'resources: []   # flow\n',
    ],
  ])('takes out %s on its line', (_what, before, entry, line) => {
    const result = unregisterEntry(before, entry);
    expect(lineDiff(before, result.text)).toEqual({
      at: 1,
      removed: [before.split(/(?<=\n)/)[1]],
      added: [line],
    });
  });

  it('takes out an item of a one-per-line flow list with its line', () => {
    const before =
      'resources: [\n  a.yaml,   # one\n  b.yaml,  # two\n  c.yaml\n]\n';
    expect(lineDiff(before, unregisterEntry(before, 'b.yaml').text)).toEqual({
      at: 2,
      removed: ['  b.yaml,  # two\n'],
      added: [],
    });
  });

  it.each([
    ['not listed', HAND_KEPT, 'apps/old'],
    ['no list at all', 'kind: Kustomization   # k\n', 'a.yaml'],
    ['an empty list', 'resources: []\n', 'a.yaml'],
  ])('changes nothing when the entry is %s', (_what, text, entry) => {
    const result = unregisterEntry(text, entry);
    expect(result.changed).toBe(false);
    expect(result.text).toBe(text);
  });

  it('refuses a file that is not a kustomization mapping', () => {
    expect(() => unregisterEntry('- a.yaml\n', 'a.yaml')).toThrow(
      /must be a YAML mapping/,
    );
    expect(() => unregisterEntry('resources: a.yaml\n', 'a.yaml')).toThrow(
      /must be a list/,
    );
  });
});
