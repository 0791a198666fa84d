import { outputFleetPullRequest, pullRequestBranch } from './pullRequest';

describe('pull request branches', () => {
  it('names the branch after the cluster and the change', () => {
    expect(pullRequestBranch('prod', 'shop')).toBe('haven/prod/shop');
    expect(pullRequestBranch('prod', 'shop', 'secret-api-key')).toBe(
      'haven/prod/shop/secret-api-key',
    );
  });

  it('sets the outputs a publish step takes', () => {
    const outputs: Record<string, unknown> = {};
    outputFleetPullRequest(
      {
        output: (name, value) => {
          outputs[name] = value;
        },
      },
      {
        url: 'https://gitlab.example.nl/platform/fleet',
        host: 'gitlab.example.nl',
        owner: 'platform',
        repo: 'fleet',
        provider: 'gitlab',
        branch: 'main',
      },
      'haven/prod/shop',
    );
    expect(outputs).toEqual({
      fleetRepoUrl: 'gitlab.example.nl?owner=platform&repo=fleet',
      fleetProvider: 'gitlab',
      fleetBranch: 'main',
      pullRequestBranch: 'haven/prod/shop',
    });
  });
});
