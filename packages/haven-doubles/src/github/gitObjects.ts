import { createHash } from 'node:crypto';

/**
 * Git objects as git stores them, so every sha the double hands out is the
 * sha git itself would compute (git-scm.com/book "Git Internals - Git
 * Objects": an object's id is the SHA-1 of `<type> <size>\0<content>`).
 */

/** Tree entry modes as the REST API spells them (git/create-tree `mode` enum). */
export type TreeMode = '100644' | '100755' | '040000' | '160000' | '120000';
export type ObjectType = 'blob' | 'tree' | 'commit';

export interface GitSignature {
  name: string;
  email: string;
  /** ISO 8601, seconds precision, `Z` (what the REST API returns) */
  date: string;
}

export interface GitBlob {
  type: 'blob';
  content: Buffer;
}
export interface GitTreeEntry {
  name: string;
  mode: TreeMode;
  type: ObjectType;
  sha: string;
}
export interface GitTree {
  type: 'tree';
  entries: GitTreeEntry[];
}
export interface GitCommit {
  type: 'commit';
  tree: string;
  parents: string[];
  message: string;
  author: GitSignature;
  committer: GitSignature;
}
export type GitObject = GitBlob | GitTree | GitCommit;

/** A file (or submodule / symlink) of a flattened tree, keyed by full path. */
export interface FlatEntry {
  mode: TreeMode;
  type: ObjectType;
  sha: string;
}
export type FlatTree = Map<string, FlatEntry>;

/** git's empty tree, 4b825dc642cb6eb9a060e54bf8d69288fbee4904. */
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function hashObject(type: ObjectType, body: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]))
    .digest('hex');
}

export function typeOfMode(mode: TreeMode): ObjectType {
  if (mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** git's own tree order: byte order of names, a tree's name compared as `name/`. */
function treeOrder(a: GitTreeEntry, b: GitTreeEntry): number {
  const ka = Buffer.from(a.type === 'tree' ? `${a.name}/` : a.name);
  const kb = Buffer.from(b.type === 'tree' ? `${b.name}/` : b.name);
  return Buffer.compare(ka, kb);
}

function unixSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

/** One repository's object database. */
export class ObjectStore {
  private readonly objects = new Map<string, GitObject>();

  constructor() {
    this.objects.set(EMPTY_TREE_SHA, { type: 'tree', entries: [] });
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha.toLowerCase());
  }

  blob(sha: string): GitBlob | undefined {
    const o = this.get(sha);
    return o?.type === 'blob' ? o : undefined;
  }

  tree(sha: string): GitTree | undefined {
    const o = this.get(sha);
    return o?.type === 'tree' ? o : undefined;
  }

  commit(sha: string): GitCommit | undefined {
    const o = this.get(sha);
    return o?.type === 'commit' ? o : undefined;
  }

  writeBlob(content: Buffer): string {
    const sha = hashObject('blob', content);
    if (!this.objects.has(sha))
      this.objects.set(sha, { type: 'blob', content });
    return sha;
  }

  writeTree(entries: GitTreeEntry[]): string {
    const sorted = [...entries].sort(treeOrder);
    // git writes a tree's mode without the leading zero ("40000").
    const body = Buffer.concat(
      sorted.map(e =>
        Buffer.concat([
          Buffer.from(`${e.mode.replace(/^0/, '')} ${e.name}\0`),
          Buffer.from(e.sha, 'hex'),
        ]),
      ),
    );
    const sha = hashObject('tree', body);
    if (!this.objects.has(sha))
      this.objects.set(sha, { type: 'tree', entries: sorted });
    return sha;
  }

  writeCommit(commit: Omit<GitCommit, 'type'>): string {
    const sig = (s: GitSignature) =>
      `${s.name} <${s.email}> ${unixSeconds(s.date)} +0000`;
    const text = [
      `tree ${commit.tree}`,
      ...commit.parents.map(p => `parent ${p}`),
      `author ${sig(commit.author)}`,
      `committer ${sig(commit.committer)}`,
      '',
      commit.message,
    ].join('\n');
    const sha = hashObject('commit', Buffer.from(text));
    if (!this.objects.has(sha))
      this.objects.set(sha, { type: 'commit', ...commit });
    return sha;
  }

  /** Every blob/submodule/symlink below a tree, by full path. */
  flatten(treeSha: string, prefix = '', into: FlatTree = new Map()): FlatTree {
    const tree = this.tree(treeSha);
    if (!tree) throw new Error(`no tree ${treeSha}`);
    for (const e of tree.entries) {
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'tree') this.flatten(e.sha, path, into);
      else into.set(path, { mode: e.mode, type: e.type, sha: e.sha });
    }
    return into;
  }

  /** Writes the nested trees for a flat listing; returns the root tree's sha. */
  buildTree(flat: FlatTree): string {
    const root = new Map<string, FlatTree | FlatEntry>();
    const children = new Map<string, FlatTree>();
    for (const [path, entry] of flat) {
      const slash = path.indexOf('/');
      if (slash < 0) {
        root.set(path, entry);
        continue;
      }
      const dir = path.slice(0, slash);
      let sub = children.get(dir);
      if (!sub) {
        sub = new Map();
        children.set(dir, sub);
      }
      sub.set(path.slice(slash + 1), entry);
    }
    const entries: GitTreeEntry[] = [];
    for (const [name, entry] of root) {
      if (!(entry instanceof Map)) entries.push({ name, ...entry });
    }
    for (const [name, sub] of children) {
      entries.push({
        name,
        mode: '040000',
        type: 'tree',
        sha: this.buildTree(sub),
      });
    }
    return this.writeTree(entries);
  }

  /** The entry at `path` below a tree ('' is the tree itself). */
  lookup(
    treeSha: string,
    path: string,
  ): { mode: TreeMode; type: ObjectType; sha: string } | undefined {
    const parts = path.split('/').filter(p => p !== '');
    let current: { mode: TreeMode; type: ObjectType; sha: string } = {
      mode: '040000',
      type: 'tree',
      sha: treeSha,
    };
    for (const part of parts) {
      if (current.type !== 'tree') return undefined;
      const found = this.tree(current.sha)?.entries.find(e => e.name === part);
      if (!found) return undefined;
      current = found;
    }
    return current;
  }

  /** Commits reachable from `sha` (itself included), newest committer date first. */
  history(sha: string): string[] {
    const seen = new Set<string>();
    const order: string[] = [];
    const queue = [sha];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      const commit = this.commit(next);
      if (!commit) continue;
      seen.add(next);
      order.push(next);
      queue.push(...commit.parents);
    }
    const date = (s: string) =>
      new Date((this.commit(s) as GitCommit).committer.date).getTime();
    // stable sort: breadth-first order breaks ties between equal dates
    return order
      .map((s, i) => ({ s, i }))
      .sort((a, b) => date(b.s) - date(a.s) || a.i - b.i)
      .map(x => x.s);
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.history(of).includes(ancestor);
  }

  /** The nearest common ancestor of two commits (undefined: unrelated histories). */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = new Set(this.history(a));
    return this.history(b).find(s => ofA.has(s));
  }
}

/**
 * A three-way merge by path, like git's for changes to different files: a
 * path changed on one side only takes that side; changed on both sides to
 * different results is a conflict (git would try a line merge; the double
 * calls it a conflict).
 */
export function mergeFlatTrees(
  base: FlatTree,
  ours: FlatTree,
  theirs: FlatTree,
): { merged: FlatTree; conflicts: string[] } {
  const same = (x?: FlatEntry, y?: FlatEntry) =>
    x === y || (!!x && !!y && x.sha === y.sha && x.mode === y.mode);
  const merged: FlatTree = new Map();
  const conflicts: string[] = [];
  const paths = new Set([...base.keys(), ...ours.keys(), ...theirs.keys()]);
  for (const path of [...paths].sort()) {
    const b = base.get(path);
    const o = ours.get(path);
    const t = theirs.get(path);
    let result: FlatEntry | undefined;
    if (same(o, t) || same(t, b)) result = o;
    else if (same(o, b)) result = t;
    else {
      conflicts.push(path);
      continue;
    }
    if (result) merged.set(path, result);
  }
  return { merged, conflicts };
}

/** Lines added and removed between two texts (longest common subsequence). */
export function lineChanges(
  before: string,
  after: string,
): { additions: number; deletions: number } {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  // trim the common head and tail, then LCS on what is left
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start])
    start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length * y.length > 4_000_000) {
    return { additions: y.length, deletions: x.length };
  }
  let prev = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i += 1) {
    const row = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j += 1) {
      row[j] =
        x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    prev = row;
  }
  const common = prev[y.length];
  return { additions: y.length - common, deletions: x.length - common };
}
