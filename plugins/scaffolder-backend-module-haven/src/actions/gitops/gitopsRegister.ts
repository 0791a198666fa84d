import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { assertValid, repoPathProblems } from '@haven-plus/plugin-haven-common';
import { registerEntry } from '@haven-plus/plugin-haven-node';
import { readWorkspaceFile, writeFileInside } from '../shared/workspace';
import { examples } from './gitopsRegister.examples';

/**
 * `haven:gitops:register`: adds an entry to a list in an existing file of a
 * fetched fleet repository (the cluster's apps kustomization.yaml), keeping
 * comments and order; a no-op when the entry is already there.
 * @public
 */
export function createGitopsRegisterAction() {
  return createTemplateAction({
    id: 'haven:gitops:register',
    description:
      "Adds an app to an existing fleet-repository file (e.g. a cluster's apps kustomization.yaml) with a YAML document edit that keeps comments and order; does nothing when the app is already listed.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        file: z =>
          z
            .string()
            .describe(
              'Workspace path of the file, fetched before (e.g. with fetch:plain:file)',
            ),
        entry: z =>
          z
            .string()
            .describe('The entry to add, e.g. "open-webui-voorbeeld.yaml"'),
        key: z =>
          z
            .string()
            .default('resources')
            .describe('Top-level key of the list (default "resources")'),
      },
      output: {
        changed: z =>
          z.boolean().describe('False when the entry was already listed'),
        entries: z => z.number().describe('Entries in the list afterwards'),
      },
    },
    async handler(ctx) {
      const file = assertValid(ctx.input.file, 'file', repoPathProblems);
      const entry = assertValid(ctx.input.entry, 'entry', repoPathProblems);
      const key = ctx.input.key ?? 'resources';
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(key)) {
        throw new InputError(
          `Invalid key: ${JSON.stringify(key)} is not a YAML key`,
        );
      }
      const text = await readWorkspaceFile(
        ctx.workspacePath,
        file,
        `${file} is not in the workspace: fetch it from the fleet repository first (fetch:plain:file), or, for a cluster without one, commit a kustomization.yaml with "resources: []" at that path first`,
      );
      const result = registerEntry(text, entry, { key, fileName: file });
      if (result.changed) {
        await writeFileInside(ctx.workspacePath, file, result.text);
        ctx.logger.info(
          `Added ${entry} to ${key} in ${file} (${result.entries} entries)${
            ctx.isDryRun ? ' (dry run: workspace only)' : ''
          }`,
        );
      } else {
        ctx.logger.info(`${entry} is already listed in ${file}: nothing to do`);
      }
      ctx.output('changed', result.changed);
      ctx.output('entries', result.entries);
    },
  });
}
