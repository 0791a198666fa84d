/**
 * The GraphQL object types the double resolves, per GitHub's GraphQL
 * reference (docs.github.com/graphql/reference/objects): Query.repository,
 * Repository.ref ("qualifiedName: The ref to retrieve. Fully qualified
 * matches are checked in order (refs/heads/master) before falling back onto
 * checks for short name matches (master)"), Ref.associatedPullRequests ("A
 * list of pull requests with this ref as the head ref", filtered by
 * `states`), and the PullRequest fields the plugin reads (id, number, url).
 */
import type { Json } from './errors';
import type { GqlError, GqlObject, GqlResult } from './graphql';
import {
  nodeId,
  repoWeb,
  type Core,
  type PullState,
  type RepoState,
} from './model';
import { pullHtmlUrl } from './pulls';

function pullObject(core: Core, repo: RepoState, pull: PullState): GqlObject {
  let state = pull.state === 'open' ? 'OPEN' : 'CLOSED';
  if (pull.merged) state = 'MERGED';
  return {
    typename: 'PullRequest',
    fields: {
      id: () => nodeId('PR', String(pull.id)),
      number: () => pull.number,
      url: () => pullHtmlUrl(core, repo, pull.number),
      permalink: () => pullHtmlUrl(core, repo, pull.number),
      title: () => pull.title,
      body: () => pull.body ?? '',
      state: () => state,
      isDraft: () => pull.draft,
      merged: () => pull.merged,
      headRefName: () => pull.headRef,
      baseRefName: () => pull.baseRef,
      createdAt: () => pull.createdAt,
      updatedAt: () => pull.updatedAt,
    },
  };
}

/** A connection (GraphQL cursor connections spec, as GitHub's API uses it). */
function connection(
  typename: string,
  items: GqlObject[],
  args: Record<string, Json>,
  fieldName: string,
  errors: GqlError[],
): GqlResult {
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  if (first === undefined && last === undefined) {
    errors.push({
      message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${fieldName}\` connection.`,
      type: 'MISSING_PAGINATION_BOUNDARIES',
    });
    return null;
  }
  const page =
    first !== undefined
      ? items.slice(0, first)
      : items.slice(-(last as number));
  const offset = first !== undefined ? 0 : items.length - page.length;
  const cursor = (i: number) =>
    Buffer.from(`cursor:v2:${offset + i}`).toString('base64');
  return {
    typename,
    fields: {
      totalCount: () => items.length,
      nodes: () => page,
      edges: () =>
        page.map((node, i) => ({
          typename: `${typename.replace(/Connection$/, '')}Edge`,
          fields: { node: () => node, cursor: () => cursor(i) },
        })),
      pageInfo: () => ({
        typename: 'PageInfo',
        fields: {
          hasNextPage: () => offset + page.length < items.length,
          hasPreviousPage: () => offset > 0,
          startCursor: () => (page.length ? cursor(0) : null),
          endCursor: () => (page.length ? cursor(page.length - 1) : null),
        },
      }),
    },
  };
}

function refObject(
  core: Core,
  repo: RepoState,
  fullName: string,
  sha: string,
  errors: GqlError[],
): GqlObject {
  // `refs/heads/feature/x`: prefix `refs/heads/`, name `feature/x`
  const second = fullName.indexOf('/', 'refs/'.length);
  const prefix = fullName.slice(0, second + 1);
  const name = fullName.slice(prefix.length);
  return {
    typename: 'Ref',
    fields: {
      id: () => nodeId('REF', `${repo.id}:${fullName}`),
      name: () => name,
      prefix: () => prefix,
      target: () => ({
        typename: 'Commit',
        fields: { oid: () => sha, id: () => nodeId('C', `${repo.id}:${sha}`) },
      }),
      associatedPullRequests: args => {
        const wanted =
          args.states === undefined || args.states === null
            ? undefined
            : ([] as Json[]).concat(args.states);
        const pulls =
          prefix === 'refs/heads/'
            ? repo.pulls.filter(p => p.headRef === name)
            : [];
        const items = pulls
          .map(p => pullObject(core, repo, p))
          .filter(o => !wanted || wanted.includes(o.fields.state({}) as Json));
        return connection(
          'PullRequestConnection',
          items,
          args,
          'associatedPullRequests',
          errors,
        );
      },
    },
  };
}

function repositoryObject(
  core: Core,
  repo: RepoState,
  errors: GqlError[],
): GqlObject {
  const refByQualifiedName = (qualifiedName: string): GqlResult => {
    const candidates = qualifiedName.startsWith('refs/')
      ? [qualifiedName]
      : [
          qualifiedName,
          `refs/heads/${qualifiedName}`,
          `refs/tags/${qualifiedName}`,
        ];
    for (const c of candidates) {
      const sha = repo.refs.get(c);
      if (sha) return refObject(core, repo, c, sha, errors);
    }
    return null;
  };
  return {
    typename: 'Repository',
    fields: {
      id: () => nodeId('R', String(repo.id)),
      name: () => repo.name,
      nameWithOwner: () => `${repo.owner}/${repo.name}`,
      url: () => repoWeb(core, repo),
      isPrivate: () => repo.private,
      owner: () => ({
        typename: repo.ownerType,
        fields: { login: () => repo.owner },
      }),
      defaultBranchRef: () =>
        refByQualifiedName(`refs/heads/${repo.defaultBranch}`),
      ref: args => refByQualifiedName(String(args.qualifiedName ?? '')),
    },
  };
}

/** The Query root for one request. */
export function queryRoot(
  core: Core,
  viewer: string,
  errors: GqlError[],
): GqlObject {
  return {
    typename: 'Query',
    fields: {
      repository: args => {
        const owner = String(args.owner ?? '');
        const name = String(args.name ?? '');
        const repo = core.repo(owner, name);
        if (!repo) {
          // GitHub's GraphQL API: data.repository null plus a NOT_FOUND error
          errors.push({
            type: 'NOT_FOUND',
            path: ['repository'],
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          });
          return null;
        }
        return repositoryObject(core, repo, errors);
      },
      viewer: () => ({ typename: 'User', fields: { login: () => viewer } }),
    },
  };
}
