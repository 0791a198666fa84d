import { createHash } from 'node:crypto';
import {
  resolveSafeChildPath,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  getGitLabRequestOptions,
  ScmIntegrations,
  type GitLabIntegration,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
  serializeDirectoryContents,
} from '@backstage/plugin-scaffolder-node';
import { assertValid, repoPathProblems } from '@haven-plus/plugin-haven-common';
import { examples } from './gitlabMergeRequest.examples';

/** A GitLab API call that failed; carries GitLab's status and message, never a request. */
export class GitlabRequestError extends CustomErrorBase {
  name = 'GitlabRequestError' as const;
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** GitLab's error body: `{"message": ...}` (string, array or object) or `{"error": "..."}`. */
function gitlabMessage(body: unknown): string {
  if (body && typeof body === 'object') {
    const { message, error } = body as { message?: unknown; error?: unknown };
    const value = message ?? error;
    if (typeof value === 'string') return value;
    if (value !== undefined) return JSON.stringify(value);
  }
  return 'no message';
}

/** git's blob id of a file (git-scm.com/book "Git Internals - Git Objects"), as GitLab's tree lists it. */
const gitBlobId = (content: Buffer) =>
  createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');

interface TreeEntry {
  id: string;
  path: string;
  type: string;
}
interface MergeRequest {
  iid: number;
  web_url: string;
}

/**
 * The calls of GitLab's REST API v4 the action makes, through the
 * configured integration (its `apiBaseUrl`, its token through Backstage's
 * `getGitLabRequestOptions`, its retry settings through `integration.fetch`).
 */
function gitlabClient(integration: GitLabIntegration, project: string) {
  const base = `${integration.config.apiBaseUrl}/projects/${encodeURIComponent(
    project,
  )}`;
  const call = async <T>(
    method: string,
    path: string,
    what: string,
    body?: object,
  ): Promise<{ status: number; json: T; headers: Headers }> => {
    const init: RequestInit = getGitLabRequestOptions(integration.config);
    if (body) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await integration.fetch(`${base}${path}`, { ...init, method });
    // GitLab answers JSON, errors included; anything else reads as no message.
    const json: unknown = await res.json().catch(() => undefined);
    if (res.ok)
      return { status: res.status, json: json as T, headers: res.headers };
    const message = `${what} on GitLab project ${project} failed: ${
      res.status
    } ${gitlabMessage(json)}`;
    if (res.status === 401 || res.status === 403) {
      throw new NotAllowedError(
        `${message}. Check that the token of integrations.gitlab for ${integration.config.host} may write to the project (scope api, role Developer or higher)`,
      );
    }
    if (res.status === 404 && path === '') {
      throw new NotFoundError(
        `${message}. Check haven.gitops.fleetRepo.url and that the token can see the project`,
      );
    }
    throw new GitlabRequestError(message, res.status);
  };
  return { call };
}

/**
 * `haven:gitlab:merge-request`: opens the fleet merge request on GitLab, or
 * updates the open one of the same branch, so that running a template again
 * changes the same merge request. Creates the branch from the target when
 * it is missing, commits the workspace files that differ from the branch
 * (create or update; nothing when all match), then updates the open merge
 * request of the branch (title, description) or opens one.
 * @public
 */
export function createGitlabMergeRequestAction(
  options:
    | { integrations: ScmIntegrationRegistry }
    | { config: RootConfigService },
) {
  const integrations =
    'integrations' in options
      ? options.integrations
      : ScmIntegrations.fromConfig(options.config);
  return createTemplateAction({
    id: 'haven:gitlab:merge-request',
    description:
      'Opens a merge request on GitLab with the files of a workspace folder, or updates the open merge request of the same branch: a second run of a template changes the same merge request instead of failing on the existing branch.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoUrl: z =>
          z
            .string()
            .describe(
              'The project as `host?owner=<group>&repo=<project>` (haven:gitops:render outputs it as fleetRepoUrl)',
            ),
        branchName: z =>
          z.string().describe('Source branch of the merge request'),
        targetBranchName: z =>
          z.string().describe('Target branch (the branch Flux reconciles)'),
        sourcePath: z =>
          z
            .string()
            .default('.')
            .describe(
              'Workspace folder whose files are committed at the root of the project (default: the whole workspace)',
            ),
        title: z =>
          z
            .string()
            .describe('Title of the merge request and message of the commit'),
        description: z =>
          z.string().optional().describe('Description of the merge request'),
        filesToDelete: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Repository paths to delete in the same commit (a file of the workspace folder at the same path is deleted too); one not on the branch is skipped',
            ),
      },
      output: {
        mergeRequestUrl: z =>
          z.string().describe('Web URL of the merge request'),
        mergeRequestIid: z =>
          z
            .number()
            .describe('The merge request number (`!iid`) in the project'),
        projectPath: z =>
          z.string().describe('The project, `<group>/<project>`'),
        targetBranchName: z => z.string().describe('Target branch'),
        created: z =>
          z
            .boolean()
            .describe(
              'True when this run opened the merge request, false when it updated one',
            ),
        committedFiles: z =>
          z
            .number()
            .describe(
              'Files this run committed, written or deleted (0 when the branch already held them)',
            ),
      },
    },
    async handler(ctx) {
      const { branchName, targetBranchName, title, description } = ctx.input;
      const { host, owner, repo } = parseRepoUrl(
        ctx.input.repoUrl,
        integrations,
      );
      if (!owner) {
        throw new InputError(
          `Invalid repoUrl: ${ctx.input.repoUrl} names no owner; expected host?owner=<group>&repo=<project>`,
        );
      }
      const integration = integrations.gitlab.byHost(host);
      if (!integration) {
        throw new InputError(
          `No GitLab integration for ${host}: add it under integrations.gitlab (host, apiBaseUrl, token)`,
        );
      }
      if (!integration.config.token) {
        throw new InputError(
          `The GitLab integration for ${host} has no token: set integrations.gitlab[].token`,
        );
      }
      if (branchName === targetBranchName) {
        throw new InputError(
          `branchName and targetBranchName are both ${branchName}: a merge request needs its own branch`,
        );
      }
      const toDelete = [
        ...new Set(
          (ctx.input.filesToDelete ?? []).map(f =>
            assertValid(f, 'filesToDelete entry', repoPathProblems),
          ),
        ),
      ];
      const project = `${owner}/${repo}`;
      const files = await serializeDirectoryContents(
        resolveSafeChildPath(ctx.workspacePath, ctx.input.sourcePath ?? '.'),
        { gitignore: true },
      );
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would commit up to ${files.length} files${
            toDelete.length > 0 ? ` and delete up to ${toDelete.length}` : ''
          } to ${branchName} of GitLab project ${project} and open or update its merge request into ${targetBranchName}`,
        );
        ctx.output(
          'mergeRequestUrl',
          `${integration.config.baseUrl}/${project}/-/merge_requests`,
        );
        ctx.output('mergeRequestIid', 0);
        ctx.output('projectPath', project);
        ctx.output('targetBranchName', targetBranchName);
        ctx.output('created', false);
        ctx.output('committedFiles', 0);
        return;
      }
      const { call } = gitlabClient(integration, project);
      const branchPath = `/repository/branches/${encodeURIComponent(
        branchName,
      )}`;

      // docs.gitlab.com/api/branches: "Get single repository branch" (404 when
      // missing), "Create repository branch" (400 `Branch already exists`
      // when another run made it meanwhile: then it is there, as wanted).
      await call('GET', '', 'Reading the project');
      const existing = await call(
        'GET',
        branchPath,
        'Reading the branch',
      ).catch((e: unknown) => {
        if (e instanceof GitlabRequestError && e.status === 404)
          return undefined;
        throw e;
      });
      if (!existing) {
        await call('POST', '/repository/branches', 'Creating the branch', {
          branch: branchName,
          ref: targetBranchName,
        }).catch((e: unknown) => {
          if (
            e instanceof GitlabRequestError &&
            e.status === 400 &&
            /already exists/.test(e.message)
          )
            return;
          throw e;
        });
        ctx.logger.info(
          `Created branch ${branchName} from ${targetBranchName}`,
        );
      }

      // docs.gitlab.com/api/repositories, "List repository tree": blob ids
      // are git's, so a file whose id matches needs no commit. Offset
      // pagination through `x-next-page`.
      const remote = new Map<string, string>();
      for (let page = '1'; page; ) {
        const listed = await call<TreeEntry[]>(
          'GET',
          `/repository/tree?${new URLSearchParams({
            ref: branchName,
            recursive: 'true',
            per_page: '100',
            page,
          })}`,
          'Listing the branch',
        );
        for (const e of listed.json)
          if (e.type === 'blob') remote.set(e.path, e.id);
        page = listed.headers.get('x-next-page') ?? '';
      }
      // A deletion wins over a workspace file at the same path; a file the
      // branch does not have is already deleted (GitLab refuses to delete
      // it: `A file with this name doesn't exist`).
      const deleting = new Set(toDelete);
      const actions: Array<Record<string, unknown>> = [
        ...files
          .filter(f => !deleting.has(f.path))
          .filter(f => remote.get(f.path) !== gitBlobId(f.content))
          .map(f => ({
            action: remote.has(f.path) ? 'update' : 'create',
            file_path: f.path,
            encoding: 'base64',
            content: f.content.toString('base64'),
            execute_filemode: f.executable,
          })),
        ...toDelete
          .filter(path => remote.has(path))
          .map(path => ({ action: 'delete', file_path: path })),
      ];

      // docs.gitlab.com/api/commits, "Create a commit with multiple files and actions".
      await ctx.checkpoint({
        key: `gitlab.commit.${project}.${branchName}`,
        fn: async () => {
          if (actions.length === 0) return null;
          const commit = await call<{ id: string }>(
            'POST',
            '/repository/commits',
            'Committing the files',
            { branch: branchName, commit_message: title, actions },
          );
          return commit.json.id;
        },
      });
      ctx.logger.info(
        actions.length === 0
          ? `${branchName} already holds these ${files.length} files${
              toDelete.length > 0 ? ' and none of the deleted ones' : ''
            }: nothing to commit`
          : `Committed ${actions.length} change(s) to ${branchName}: ${
              actions.filter(a => a.action !== 'delete').length
            } of ${files.length} files written, ${
              actions.filter(a => a.action === 'delete').length
            } deleted`,
      );

      // docs.gitlab.com/api/merge_requests: "List project merge requests"
      // (by source and target branch, state opened), "Update MR", "Create MR".
      const mr = await ctx.checkpoint({
        key: `gitlab.merge-request.${project}.${branchName}`,
        fn: async () => {
          const open = await call<MergeRequest[]>(
            'GET',
            `/merge_requests?${new URLSearchParams({
              source_branch: branchName,
              target_branch: targetBranchName,
              state: 'opened',
            })}`,
            'Looking up the merge request',
          );
          const found = open.json[0];
          if (found) {
            const updated = await call<MergeRequest>(
              'PUT',
              `/merge_requests/${found.iid}`,
              'Updating the merge request',
              { title, description: description ?? '' },
            );
            return {
              iid: updated.json.iid,
              url: updated.json.web_url,
              created: false,
            };
          }
          const created = await call<MergeRequest>(
            'POST',
            '/merge_requests',
            'Opening the merge request',
            {
              source_branch: branchName,
              target_branch: targetBranchName,
              title,
              description: description ?? '',
            },
          );
          return {
            iid: created.json.iid,
            url: created.json.web_url,
            created: true,
          };
        },
      });
      ctx.logger.info(
        `${mr.created ? 'Opened' : 'Updated'} merge request !${mr.iid}: ${
          mr.url
        }`,
      );
      ctx.output('mergeRequestUrl', mr.url);
      ctx.output('mergeRequestIid', mr.iid);
      ctx.output('projectPath', project);
      ctx.output('targetBranchName', targetBranchName);
      ctx.output('created', mr.created);
      ctx.output('committedFiles', actions.length);
    },
  });
}
