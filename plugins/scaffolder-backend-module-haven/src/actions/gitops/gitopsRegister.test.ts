import fs from 'node:fs';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { registerEntry } from '@haven-plus/plugin-haven-node';
import { runRegister } from './__testUtils__/gitopsHarness';

const FILE = 'fleet/clusters/haven-sandbox/apps/kustomization.yaml';

const EXISTING = `# Apps of haven-sandbox. One Flux Kustomization per app.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # Open WebUI for customer Voorbeeld
  - open-webui-voorbeeld.yaml
  - podinfo.yaml # demo, remove after go-live
`;

describe('haven:gitops:register', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it('appends the entry and keeps every comment, key and entry as it was', async () => {
    workspace.setContent({ [FILE]: EXISTING });
    const result = await runRegister(
      { file: FILE, entry: 'orders.yaml' },
      workspace.path,
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({ changed: true, entries: 3 });
    expect(fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8')).toBe(
      `${EXISTING}  - orders.yaml\n`,
    );
  });

  it('leaves every line of a hand-kept file but the new one byte for byte', async () => {
    // Spacing before comments, indentation, blank lines, quoting and CRLF
    // line ends are the file's own; a re-stringified document loses them.
    const handKept = [
      '# Apps.   Keep sorted.',
      'kind:   Kustomization',
      '',
      '# --- team a ---',
      '',
      'resources:',
      '    - apps/foo   # team x',
      "    - 'apps/bar'     #team y",
      '',
      '',
      'namePrefix: "haven-"   # quoted',
      '',
    ].join('\r\n');
    workspace.setContent({ [FILE]: handKept });
    const result = await runRegister(
      { file: FILE, entry: 'orders.yaml' },
      workspace.path,
    );
    expect(result.outputs).toEqual({ changed: true, entries: 3 });
    const after = fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8');
    const lines = handKept.split('\r\n');
    lines.splice(8, 0, "    - 'orders.yaml'");
    expect(after).toBe(lines.join('\r\n'));
  });

  it('is a no-op when the app is already listed (re-run)', async () => {
    workspace.setContent({ [FILE]: EXISTING });
    await runRegister({ file: FILE, entry: 'orders.yaml' }, workspace.path);
    const once = fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8');
    const again = await runRegister(
      { file: FILE, entry: 'orders.yaml' },
      workspace.path,
    );
    expect(again.outputs).toEqual({ changed: false, entries: 3 });
    expect(fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8')).toBe(once);
  });

  it('turns an empty "resources: []" into a block list', () => {
    const text =
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
    expect(registerEntry(text, 'a.yaml').text).toBe(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - a.yaml\n',
    );
  });

  it('adds the list when the file has none yet', () => {
    expect(registerEntry('kind: Kustomization\n', 'a.yaml').text).toBe(
      'kind: Kustomization\nresources:\n  - a.yaml\n',
    );
  });

  it('says to fetch the file first when it is not in the workspace', async () => {
    const result = await runRegister(
      { file: FILE, entry: 'orders.yaml' },
      workspace.path,
    );
    expect(result.error).toBeInstanceOf(NotFoundError);
    expect(result.error?.message).toMatch(
      /fetch it from the fleet repository first/,
    );
  });

  it.each([
    ['broken YAML', 'resources: [a\n', /not valid YAML/],
    ['a list at the top', '- a.yaml\n', /must be a YAML mapping/],
    ['resources that is not a list', 'resources: a.yaml\n', /must be a list/],
  ])('refuses %s without changing the file', async (_what, text, message) => {
    workspace.setContent({ [FILE]: text });
    const result = await runRegister(
      { file: FILE, entry: 'orders.yaml' },
      workspace.path,
    );
    expect(result.error).toBeInstanceOf(InputError);
    expect(result.error?.message).toMatch(message);
    expect(fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8')).toBe(text);
  });

  it.each([
    ['an absolute file', { file: '/etc/passwd', entry: 'a.yaml' }],
    ['a file outside the workspace', { file: '../x.yaml', entry: 'a.yaml' }],
    ['an entry with a newline', { file: FILE, entry: 'a.yaml\n- b.yaml' }],
    [
      'an entry leaving the folder',
      { file: FILE, entry: '../../secrets.yaml' },
    ],
  ])('rejects %s with InputError', async (_what, input) => {
    workspace.setContent({ [FILE]: EXISTING });
    const result = await runRegister(input, workspace.path);
    expect(result.error).toBeInstanceOf(InputError);
    expect(fs.readFileSync(`${workspace.path}/${FILE}`, 'utf8')).toBe(EXISTING);
  });
});
