import { gzipSync } from 'node:zlib';
import { Header, Pax, type HeaderData } from 'tar';
import type { ObjectStore } from './gitObjects';

const BLOCK = 512;

function pad(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** One tar header (with a pax header before it when ustar cannot hold the path). */
function header(data: HeaderData): Buffer {
  const block = Buffer.alloc(BLOCK);
  const h = new Header(data);
  h.encode(block);
  if (!h.needPax) return block;
  return Buffer.concat([new Pax(data).encode(), block]);
}

/**
 * The gzip tarball of a commit as GitHub's "Download a repository archive
 * (tar)" serves it (docs.github.com/rest/repos/contents#download-a-repository-archive-tar):
 * made by `git archive`, so (git-archive docs) it starts with a pax global
 * header whose comment is the commit id, and everything sits in one top
 * folder, `<owner>-<repo>-<abbreviated sha>/` on github.com. Files are 0664,
 * executables and folders 0775 (git archive's default umask 002), dated
 * with the commit's committer date.
 */
export function commitTarball(
  store: ObjectStore,
  commitSha: string,
  topFolder: string,
): Buffer {
  const commit = store.commit(commitSha);
  if (!commit) throw new Error(`no commit ${commitSha}`);
  const mtime = new Date(commit.committer.date);
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  const parts: Buffer[] = [new Pax({ comment: commitSha }, true).encode()];

  const walk = (treeSha: string, prefix: string) => {
    parts.push(
      header({
        ...owner,
        path: `${prefix}/`,
        mode: 0o775,
        size: 0,
        type: 'Directory',
      }),
    );
    const tree = store.tree(treeSha);
    for (const entry of tree?.entries ?? []) {
      const path = `${prefix}/${entry.name}`;
      if (entry.type === 'tree') {
        walk(entry.sha, path);
      } else if (entry.type === 'commit') {
        // a submodule is an empty folder in git archive's output
        parts.push(
          header({
            ...owner,
            path: `${path}/`,
            mode: 0o775,
            size: 0,
            type: 'Directory',
          }),
        );
      } else if (entry.mode === '120000') {
        const target = store.blob(entry.sha)?.content.toString('utf8') ?? '';
        parts.push(
          header({
            ...owner,
            path,
            mode: 0o777,
            size: 0,
            type: 'SymbolicLink',
            linkpath: target,
          }),
        );
      } else {
        const content = store.blob(entry.sha)?.content ?? Buffer.alloc(0);
        parts.push(
          header({
            ...owner,
            path,
            mode: entry.mode === '100755' ? 0o775 : 0o664,
            size: content.length,
            type: 'File',
          }),
          content,
          pad(content.length),
        );
      }
    }
  };
  walk(commit.tree, topFolder);
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}

/**
 * A gzip tarball of plain files, as `helm package` lays out a chart archive
 * (every file under `<chart>/`, mode 0644; helm.sh/docs/topics/charts).
 */
export function filesTarball(
  files: Array<{ path: string; content: string | Buffer }>,
  mtime: Date,
): Buffer {
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  const parts: Buffer[] = [];
  for (const file of files) {
    const content = Buffer.isBuffer(file.content)
      ? file.content
      : Buffer.from(file.content, 'utf8');
    parts.push(
      header({
        ...owner,
        path: file.path,
        mode: 0o644,
        size: content.length,
        type: 'File',
      }),
      content,
      pad(content.length),
    );
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}
