import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  createGitHubDouble,
  setupDoubleServer,
} from '@haven-plus/haven-doubles';
import {
  PullRequestStateReader,
  type PullRequestState,
} from '@haven-plus/plugin-haven-node';
import yaml from 'yaml';
import {
  createGitopsAwaitMergeAction,
  MergeWaitTimeoutError,
  type PullRequestStateSource,
} from './gitopsAwaitMerge';
import { examples } from './gitopsAwaitMerge.examples';
import { runAction } from '../__testUtils__/runAction';

const URL_ = 'https://github.com/haven-fleet/fleet/pull/7';
const server = setupDoubleServer();

/** A clock that moves only when the action sleeps. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

/** A reader answering `answers` in turn, the last one for ever. */
function scripted(answers: Array<PullRequestState['state'] | Error>) {
  const calls: string[] = [];
  const reader: PullRequestStateSource = {
    async read(url) {
      calls.push(url);
      const a = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (a instanceof Error) throw a;
      return {
        url,
        provider: 'github',
        state: a,
        ...(a === 'merged'
          ? {
              mergedAt: '2026-12-03T10:00:00Z',
              mergeCommitSha: 'a'.repeat(40),
            }
          : {}),
      };
    },
  };
  return { reader, calls };
}

async function run(
  reader: PullRequestStateSource,
  input: JsonObject,
  opts: { dryRun?: boolean; time?: ReturnType<typeof fakeTime> } = {},
) {
  const time = opts.time ?? fakeTime();
  const action = createGitopsAwaitMergeAction({
    reader,
    sleep: time.sleep,
    now: time.now,
  });
  const result = await runAction(action, input, { dryRun: opts.dryRun });
  return { ...result, time };
}

describe('haven:gitops:await-merge', () => {
  it('polls every pollSeconds until merged, and records the merge as a checkpoint', async () => {
    const { reader, calls } = scripted(['open', 'open', 'merged']);
    const result = await run(reader, { pullRequestUrl: URL_, pollSeconds: 5 });
    expect(result.error).toBeUndefined();
    expect(calls).toHaveLength(3);
    expect(result.time.sleeps).toEqual([5000, 5000]);
    expect(result.outputs).toEqual({
      merged: true,
      mergedAt: '2026-12-03T10:00:00Z',
      mergeCommitSha: 'a'.repeat(40),
    });
    expect(result.checkpoints).toEqual([
      {
        key: `haven-await-merge-${URL_}`,
        result: {
          mergedAt: '2026-12-03T10:00:00Z',
          mergeCommitSha: 'a'.repeat(40),
        },
      },
    ]);
  });

  it('fails clearly when the pull request is closed without merging', async () => {
    const { reader } = scripted(['open', 'closed']);
    const result = await run(reader, { pullRequestUrl: URL_ });
    expect(result.error).toBeInstanceOf(ConflictError);
    expect(result.error?.message).toBe(
      `${URL_} was closed without being merged: nothing was deleted. Re-open and merge it, then retry the task; or leave the app as it is.`,
    );
    expect(result.outputs).toEqual({});
  });

  it('gives up at the timeout, having looked for that long', async () => {
    const { reader, calls } = scripted(['open']);
    const result = await run(reader, {
      pullRequestUrl: URL_,
      timeoutMinutes: 2,
      pollSeconds: 10,
    });
    expect(result.error).toBeInstanceOf(MergeWaitTimeoutError);
    expect(result.error?.message).toContain('was not merged within 2 min');
    expect(result.error?.message).toContain('nothing was deleted');
    expect(calls).toHaveLength(13); // at 0, 10, ..., 120 s
    expect(result.time.now()).toBe(120_000);
  });

  it('rides out a host that does not answer, and stops at once on a refused token', async () => {
    const flaky = scripted([
      new Error('Reading it failed: HTTP 502'),
      'merged',
    ]);
    const ok = await run(flaky.reader, { pullRequestUrl: URL_ });
    expect(ok.error).toBeUndefined();
    expect(ok.outputs.merged).toBe(true);

    const denied = scripted([new NotAllowedError('refused (HTTP 401)')]);
    const result = await run(denied.reader, { pullRequestUrl: URL_ });
    expect(result.error).toBeInstanceOf(NotAllowedError);
    expect(denied.calls).toHaveLength(1);
  });

  it('returns at once in a dry run, and refuses an address that is not a web URL', async () => {
    const { reader, calls } = scripted(['open']);
    const dry = await run(reader, { pullRequestUrl: URL_ }, { dryRun: true });
    expect(dry.error).toBeUndefined();
    expect(dry.outputs).toEqual({ merged: false });
    const bad = await run(reader, { pullRequestUrl: 'haven/decommission' });
    expect(bad.error).toBeInstanceOf(InputError);
    expect(calls).toEqual([]);
  });

  it('sees the merge of a pull request on the GitHub double through PullRequestStateReader', async () => {
    const API = 'https://api.github.test';
    const TOKEN = 'github-token-await-1b2c';
    const double = createGitHubDouble({
      baseUrl: API,
      token: TOKEN,
      repositories: [
        { owner: 'haven-fleet', name: 'fleet', files: { 'README.md': '#\n' } },
      ],
    });
    server.use(...double.handlers);
    const headers = {
      authorization: `token ${TOKEN}`,
      'content-type': 'application/json',
    };
    const main = await (
      await fetch(`${API}/repos/haven-fleet/fleet/git/ref/heads/main`, {
        headers,
      })
    ).json();
    await fetch(`${API}/repos/haven-fleet/fleet/git/refs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ref: 'refs/heads/change', sha: main.object.sha }),
    });
    const tree = await (
      await fetch(`${API}/repos/haven-fleet/fleet/git/trees`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          tree: [{ path: 'a.txt', mode: '100644', type: 'blob', content: 'a' }],
        }),
      })
    ).json();
    const commit = await (
      await fetch(`${API}/repos/haven-fleet/fleet/git/commits`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          message: 'a',
          tree: tree.sha,
          parents: [main.object.sha],
        }),
      })
    ).json();
    await fetch(`${API}/repos/haven-fleet/fleet/git/refs/heads/change`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ sha: commit.sha }),
    });
    const pull = await (
      await fetch(`${API}/repos/haven-fleet/fleet/pulls`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'x', head: 'change', base: 'main' }),
      })
    ).json();
    expect(pull.html_url).toBe('https://github.com/haven-fleet/fleet/pull/1');

    const reader = PullRequestStateReader.fromConfig(
      new ConfigReader({
        integrations: {
          github: [{ host: 'github.com', apiBaseUrl: API, token: TOKEN }],
        },
      }),
    );
    const time = fakeTime();
    let merged = false;
    const result = await run(
      {
        async read(url) {
          const state = await reader.read(url);
          if (!merged) {
            // Someone merges it while the task waits.
            merged = true;
            await fetch(`${API}/repos/haven-fleet/fleet/pulls/1/merge`, {
              method: 'PUT',
              headers,
              body: '{}',
            });
          }
          return state;
        },
      },
      { pullRequestUrl: pull.html_url },
      { time },
    );
    expect(result.error).toBeUndefined();
    expect(result.outputs.merged).toBe(true);
    expect(result.outputs.mergedAt).toEqual(expect.any(String));
    expect(time.sleeps).toEqual([10_000]);
  });

  it.each(examples.map(e => [e.description, e] as const))(
    'example: %s',
    async (_d, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe('haven:gitops:await-merge');
      const { reader } = scripted(['merged']);
      const result = await run(reader, step.input);
      expect(result.error).toBeUndefined();
      expect(result.outputs.merged).toBe(true);
    },
  );
});
