import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  readWorkspaceFile,
  renderIntoWorkspace,
  targetPathOf,
  writeFileInside,
  writeWorkspaceFiles,
} from './workspace';

describe('workspace files', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  it('writes files below the folder, creating folders, in order', async () => {
    const written: string[] = [];
    await writeWorkspaceFiles(
      workspace.path,
      'fleet',
      [
        { path: 'apps/a/one.yaml', text: 'one\n' },
        { path: 'two.yaml', text: 'two\n' },
      ],
      file => written.push(file.path),
    );
    expect(workspace.content()).toEqual({
      fleet: { apps: { a: { 'one.yaml': 'one\n' } }, 'two.yaml': 'two\n' },
    });
    expect(written).toEqual(['apps/a/one.yaml', 'two.yaml']);
  });

  it('refuses a folder or a file outside the workspace and writes nothing there', async () => {
    await expect(
      writeWorkspaceFiles(workspace.path, '../elsewhere', [
        { path: 'a.yaml', text: 'a' },
      ]),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      writeWorkspaceFiles(workspace.path, 'fleet', [
        { path: '../a.yaml', text: 'a' },
      ]),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      writeFileInside(workspace.path, '/etc/a.yaml', 'a'),
    ).rejects.toThrow(NotAllowedError);
    expect(workspace.content()).toEqual({});
  });

  it('logs what it renders, marking a dry run', async () => {
    const logger = mockServices.logger.mock();
    await renderIntoWorkspace(
      { workspacePath: workspace.path, logger, isDryRun: true },
      'the stack',
      'fleet',
      [{ path: 'a.yaml', text: 'a' }],
    );
    expect((logger.info as jest.Mock).mock.calls).toEqual([
      ['Rendering the stack into fleet/ (1 files, dry run):'],
      ['  a.yaml'],
    ]);
    expect(workspace.content()).toEqual({ fleet: { 'a.yaml': 'a' } });
  });

  it('reads a workspace file, or says what to do when it is missing', async () => {
    workspace.setContent({ 'fleet/a.yaml': 'a\n' });
    await expect(
      readWorkspaceFile(workspace.path, 'fleet/a.yaml', 'fetch it'),
    ).resolves.toBe('a\n');
    await expect(
      readWorkspaceFile(workspace.path, 'fleet/b.yaml', 'fetch it first'),
    ).rejects.toThrow(new NotFoundError('fetch it first'));
    await expect(
      readWorkspaceFile(workspace.path, '../a.yaml', 'fetch it'),
    ).rejects.toThrow(NotAllowedError);
  });

  it('takes targetPath as a relative path, fleet by default', () => {
    expect(targetPathOf(undefined)).toBe('fleet');
    expect(targetPathOf('checkout/fleet')).toBe('checkout/fleet');
    expect(() => targetPathOf('../fleet')).toThrow(InputError);
    expect(() => targetPathOf('/fleet')).toThrow(/targetPath/);
  });
});
