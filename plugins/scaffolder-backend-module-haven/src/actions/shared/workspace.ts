import fs from 'node:fs/promises';
import path from 'node:path';
import {
  resolveSafeChildPath,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { assertValid, repoPathProblems } from '@haven-plus/plugin-haven-common';

/** One file an action writes into the task workspace: its path and its text. */
export interface WorkspaceFile {
  /** Path relative to the folder the files are written into. */
  path: string;
  text: string;
}

/**
 * The `targetPath` input of an action that writes into a fleet repository
 * checkout: a relative path (default `fleet`), checked before anything is
 * read or written; throws InputError otherwise.
 */
export function targetPathOf(value: string | undefined): string {
  return assertValid(value ?? 'fleet', 'targetPath', repoPathProblems);
}

/**
 * Writes one file at `file` below `base` (the workspace or a folder in it),
 * creating its folder as needed. The path goes through
 * `resolveSafeChildPath`: one that points outside `base` is a
 * NotAllowedError and nothing is written.
 */
export async function writeFileInside(
  base: string,
  file: string,
  text: string,
): Promise<void> {
  const target = resolveSafeChildPath(base, file);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, text, 'utf8');
}

/**
 * Writes files below `folder` of the workspace, in order, each with
 * {@link writeFileInside}: neither the folder nor a file may point outside
 * it. `onWritten` runs after each file.
 */
export async function writeWorkspaceFiles<F extends WorkspaceFile>(
  workspacePath: string,
  folder: string,
  files: readonly F[],
  onWritten: (file: F) => void = () => {},
): Promise<void> {
  const root = resolveSafeChildPath(workspacePath, folder);
  for (const file of files) {
    await writeFileInside(root, file.path, file.text);
    onWritten(file);
  }
}

/**
 * Writes rendered files into `targetPath` of the workspace and logs what it
 * writes: a line naming `subject`, the number of files and whether this is a
 * dry run, then one line per file. A dry run writes too: the workspace is
 * the dry run's own, and the files are its result.
 */
export async function renderIntoWorkspace(
  ctx: { workspacePath: string; logger: LoggerService; isDryRun?: boolean },
  subject: string,
  targetPath: string,
  files: readonly WorkspaceFile[],
): Promise<void> {
  ctx.logger.info(
    `Rendering ${subject} into ${targetPath}/ (${files.length} files${
      ctx.isDryRun ? ', dry run' : ''
    }):`,
  );
  await writeWorkspaceFiles(ctx.workspacePath, targetPath, files, file =>
    ctx.logger.info(`  ${file.path}`),
  );
}

/**
 * Reads a file of the workspace (a path relative to it, kept inside it by
 * `resolveSafeChildPath`). A missing file is a NotFoundError with
 * `whatToDo` as its message; other failures are passed on.
 */
export async function readWorkspaceFile(
  workspacePath: string,
  file: string,
  whatToDo: string,
): Promise<string> {
  try {
    return await fs.readFile(resolveSafeChildPath(workspacePath, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(whatToDo);
    }
    throw error;
  }
}
