import type { KvMetadata } from '@haven-plus/plugin-haven-node';
import { readSecretMetadata, type VaultMetadataClient } from './vault';

/** A promise settled from outside, to hold an answer back. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const metadata = (version: number): KvMetadata => ({
  currentVersion: version,
  oldestVersion: 1,
  createdTime: '2026-11-24T10:00:00Z',
  updatedTime: '2026-11-24T11:00:00Z',
  casRequired: false,
  versions: {},
});

/** Vault's LIST held until the test answers it; metadata reads answer at once. */
function setup(held: Record<string, KvMetadata | undefined | Error>) {
  const listed = deferred<string[] | undefined>();
  const list = jest.fn(() => listed.promise);
  const readKvMetadata = jest.fn(async (_mount: string, path: string) => {
    const answer = held[path.split('/').pop()!];
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const client: VaultMetadataClient = { readKvMetadata };
  const read = (expected?: string[]) =>
    readSecretMetadata({
      list,
      client,
      mount: 'kv-apps',
      path: 'apps/a/a',
      expected,
    });
  /** The keys read so far, in order. */
  const reads = () => readKvMetadata.mock.calls.map(([, path]) => path);
  return { listed, list, read, reads };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('readSecretMetadata', () => {
  it('reads the expected keys while the LIST is still unanswered (one round trip in series)', async () => {
    const { listed, read, reads } = setup({
      'openai-api-key': metadata(2),
      'webui-secret-key': metadata(1),
    });
    const answer = read(['webui-secret-key', 'openai-api-key']);
    await flush();
    // The LIST has not answered, and both reads are already out.
    expect(reads()).toEqual([
      'apps/a/a/openai-api-key',
      'apps/a/a/webui-secret-key',
    ]);
    listed.resolve(['openai-api-key', 'webui-secret-key']);
    expect(await answer).toEqual({
      keys: ['openai-api-key', 'webui-secret-key'],
      secrets: [
        expect.objectContaining({ name: 'openai-api-key', version: 2 }),
        expect.objectContaining({ name: 'webui-secret-key', version: 1 }),
      ],
    });
    // Each key read once.
    expect(reads()).toHaveLength(2);
  });

  it('reads nothing before the LIST answers when no key is expected', async () => {
    const { listed, read, reads } = setup({ 'webui-secret-key': metadata(1) });
    const answer = read();
    await flush();
    expect(reads()).toEqual([]);
    listed.resolve(['webui-secret-key', 'nested/']);
    expect((await answer).secrets.map(s => s.name)).toEqual([
      'webui-secret-key',
    ]);
    expect(reads()).toEqual(['apps/a/a/webui-secret-key']);
  });

  it('shows a key added since, after the LIST, and leaves out an expected key the LIST no longer names', async () => {
    const { listed, read, reads } = setup({
      'anthropic-api-key': metadata(1),
      'openai-api-key': undefined, // deleted: Vault answers 404
      'webui-secret-key': metadata(1),
    });
    const answer = read(['openai-api-key', 'webui-secret-key']);
    await flush();
    expect(reads()).toEqual([
      'apps/a/a/openai-api-key',
      'apps/a/a/webui-secret-key',
    ]);
    listed.resolve(['anthropic-api-key', 'webui-secret-key']);
    expect(await answer).toEqual({
      keys: ['anthropic-api-key', 'webui-secret-key'],
      secrets: [
        expect.objectContaining({ name: 'anthropic-api-key' }),
        expect.objectContaining({ name: 'webui-secret-key' }),
      ],
    });
    expect(reads()[2]).toBe('apps/a/a/anthropic-api-key');
  });

  it('fails as before when a listed key cannot be read, and ignores a failed read of a key no longer listed', async () => {
    const denied = Object.assign(new Error('permission denied'), {
      name: 'NotAllowedError',
    });
    const gone = setup({ 'old-key': denied, 'webui-secret-key': metadata(1) });
    const answer = gone.read(['old-key', 'webui-secret-key']);
    gone.listed.resolve(['webui-secret-key']);
    expect((await answer).secrets.map(s => s.name)).toEqual([
      'webui-secret-key',
    ]);

    const listedKey = setup({ 'webui-secret-key': denied });
    const failing = listedKey.read(['webui-secret-key']);
    listedKey.listed.resolve(['webui-secret-key']);
    await expect(failing).rejects.toBe(denied);
  });

  it('never reads an expected name that is not one path segment', async () => {
    const { listed, read, reads } = setup({});
    const answer = read(['../other-app/key', 'a/b', '', 'x*']);
    listed.resolve([]);
    expect(await answer).toEqual({ keys: [], secrets: [] });
    expect(reads()).toEqual([]);
  });
});
