import { Document, isSeq, stringify, type Scalar } from 'yaml';
import {
  serveOnLoopback,
  type LoopbackServer,
  createGitHubDouble,
  type GitHubDouble,
  type GitHubDoubleOptions,
  type GitHubRepositorySeed,
} from '@haven-plus/haven-doubles';
import { pullRequestPageHandlers } from './pullRequestPage';

/**
 * The local sandbox's GitHub double: where it listens, the token Backstage
 * uses (it opens nothing real) and the fleet repository it holds.
 */
export const GITHUB_SANDBOX = {
  port: 7103,
  token: 'haven-sandbox-github-not-a-secret',
  login: 'haven-sandbox-bot',
  fleetRepo: { owner: 'haven-fleet', name: 'fleet', branch: 'main' },
  cluster: 'haven-sandbox',
} as const;

/**
 * The sandbox's fleet repository, `haven-fleet/fleet`: one cluster
 * (`haven-sandbox`) with one app already delivered, laid out as
 * @haven-plus/plugin-haven-node's manifests put apps there
 * (`clusters/<cluster>/apps/<app>.yaml` Flux Kustomizations listed by
 * `clusters/<cluster>/apps/kustomization.yaml`, app folders under
 * `apps/<cluster>/<app>/`).
 */
export function fleetRepositorySeed(): GitHubRepositorySeed {
  const { owner, name, branch } = GITHUB_SANDBOX.fleetRepo;
  const cluster = GITHUB_SANDBOX.cluster;
  const app = 'open-webui-voorbeeld';

  const appsList = new Document({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [`${app}.yaml`],
  });
  appsList.commentBefore = ` The apps Flux delivers to ${cluster}: one Flux Kustomization per app.`;
  const resources = appsList.get('resources');
  if (isSeq(resources)) {
    (resources.items[0] as Scalar).comment = ' added by the Haven+ template';
  }

  const fluxKustomization = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    // Labelled as haven:gitops:render labels it: the Delivery card (and
    // the follow-through) find it by this label once a merge re-applies it.
    metadata: {
      name: app,
      namespace: 'flux-system',
      labels: { 'backstage.io/kubernetes-id': app },
    },
    spec: {
      interval: '10m',
      path: `./apps/${cluster}/${app}`,
      prune: true,
      wait: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      dependsOn: [{ name: 'infrastructure' }],
    },
  };

  const appKustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [],
  };

  return {
    owner,
    name,
    defaultBranch: branch,
    message: 'Fleet repository of the Haven+ sandbox',
    files: {
      'README.md': [
        `# ${owner}/${name}`,
        '',
        `The fleet repository of the Haven+ local sandbox, held by the GitHub`,
        'double (@haven-plus/haven-doubles). Flux reads',
        `\`clusters/${cluster}/apps/\`; Backstage proposes new apps as pull requests.`,
        '',
      ].join('\n'),
      [`clusters/${cluster}/apps/kustomization.yaml`]: appsList.toString(),
      [`clusters/${cluster}/apps/${app}.yaml`]: stringify(fluxKustomization),
      [`apps/${cluster}/${app}/kustomization.yaml`]:
        stringify(appKustomization),
    },
  };
}

export interface RunningGitHubDouble extends LoopbackServer {
  /** The double behind the server, for its request log, faults and state. */
  double: GitHubDouble;
  token: string;
}

/**
 * Serves the GitHub double on 127.0.0.1:`port` (0 picks a free port) with
 * the sandbox token and, unless `repositories` are given, the fleet
 * repository. Backstage reaches it as `integrations.github[]` with
 * `host: github.com`, `apiBaseUrl: <url>` and `token: GITHUB_SANDBOX.token`.
 *
 * As for the Vault double, an injected connection reset surfaces over
 * loopback as loopback.ts dropping the socket.
 */
export async function startGitHubDoubleOnLoopback(
  port: number = GITHUB_SANDBOX.port,
  options: Partial<Omit<GitHubDoubleOptions, 'baseUrl'>> & {
    /**
     * Serve pull request pages (pullRequestPage.ts) on the double's own
     * origin and make `html_url`s point at them instead of github.com.
     */
    pullRequestPages?: boolean;
  } = {},
): Promise<RunningGitHubDouble> {
  let double: GitHubDouble | undefined;
  const token = options.token ?? GITHUB_SANDBOX.token;
  const { pullRequestPages, ...doubleOptions } = options;
  const server = await serveOnLoopback(
    origin => {
      double = createGitHubDouble({
        login: GITHUB_SANDBOX.login,
        repositories: [fleetRepositorySeed()],
        ...doubleOptions,
        ...(pullRequestPages ? { htmlBaseUrl: origin } : {}),
        token,
        baseUrl: origin,
      });
      const api = double.handlers;
      return pullRequestPages
        ? [
            ...pullRequestPageHandlers({
              origin,
              token,
              api: () => api,
              files: (o, r, ref) => double!.state.files(o, r, ref),
            }),
            ...api,
          ]
        : api;
    },
    { port, name: 'GitHub API' },
  );
  return { ...server, double: double as GitHubDouble, token };
}
