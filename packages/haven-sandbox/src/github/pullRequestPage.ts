import { getResponse, http, HttpResponse, type HttpHandler } from 'msw';

/**
 * A minimal web page for the sandbox's pull requests, so the "Pull request"
 * link a scaffolder task shows leads somewhere a newcomer can look at the
 * change and merge it, as on github.com. The page is a client of the
 * double's own REST API (pull, its files, merge), called in-process with
 * the sandbox token: it can do nothing the API would not.
 *
 * Served at `<origin>/<owner>/<repo>/pull/<n>` when the double's
 * `htmlBaseUrl` is its own origin (GitHub's web path for a pull request).
 */
export function pullRequestPageHandlers(options: {
  origin: string;
  token: string;
  api: () => HttpHandler[];
  /** The branch files, for the change list (the double has no files route). */
  files: (owner: string, repo: string, ref: string) => Record<string, string>;
}): HttpHandler[] {
  const { origin, token } = options;
  const callApi = async (method: string, path: string, body?: unknown) => {
    const response = await getResponse(
      options.api(),
      new Request(`${origin}${path}`, {
        method,
        headers: {
          authorization: `token ${token}`,
          accept: 'application/vnd.github+json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
    if (!response) return { status: 501, json: undefined };
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  };

  const page = (title: string, body: string, status = 200) =>
    new HttpResponse(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(
        title,
      )}</title><style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
.state{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff;font-weight:600}
.open{background:#1f883d}.merged{background:#8250df}.closed{background:#cf222e}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.3rem;text-align:left}
button{background:#1f883d;color:#fff;border:0;border-radius:.4rem;padding:.5rem 1rem;font-size:1rem;cursor:pointer}
.note{color:#59636e}
pre.diff{margin:0}del{color:#cf222e;text-decoration:none}ins{color:#1f883d;text-decoration:none}
</style></head><body>${body}</body></html>`,
      { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
    );

  const pullPath = ':owner/:repo/pull/:number';

  return [
    http.get(`${origin}/${pullPath}`, async ({ params }) => {
      const { owner, repo, number } = params as Record<string, string>;
      const pull = await callApi(
        'GET',
        `/repos/${owner}/${repo}/pulls/${number}`,
      );
      if (pull.status !== 200 || !pull.json) {
        return page(
          'Not found',
          `<h1>No pull request #${escapeHtml(number)} in ${escapeHtml(
            owner,
          )}/${escapeHtml(repo)}</h1>`,
          404,
        );
      }
      const p = pull.json;
      const state = p.merged ? 'merged' : p.state;
      // What the head changes against the base it was opened (or last updated) on.
      const before = options.files(owner, repo, p.base.sha);
      const after = options.files(owner, repo, p.head.sha);
      // GitHub's web page says "deleted" for a file its REST API lists as
      // `removed`; a modified file shows the lines that changed.
      const rows = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .sort()
        .filter(f => before[f] !== after[f])
        .map(f => {
          let status = 'modified';
          let change = '';
          if (before[f] === undefined) status = 'added';
          else if (after[f] === undefined) {
            status = 'deleted';
            change = `${lineCount(before[f])} lines`;
          } else {
            const { removed, added } = changedLines(before[f], after[f]);
            change = `<pre class="diff">${[
              ...removed.map(l => `<del>- ${escapeHtml(l)}</del>`),
              ...added.map(l => `<ins>+ ${escapeHtml(l)}</ins>`),
            ].join('\n')}</pre>`;
          }
          return `<tr><td>${escapeHtml(
            f,
          )}</td><td>${status}</td><td>${change}</td></tr>`;
        })
        .join('');
      const action =
        state === 'open'
          ? `<form method="post" action="/${escapeHtml(owner)}/${escapeHtml(
              repo,
            )}/pull/${escapeHtml(
              number,
            )}/merge"><button type="submit">Merge pull request</button></form>
<p class="note">In the sandbox, merging stands for your review: Flux's stand-in then applies the merged branch to the cluster double.</p>`
          : '';
      return page(
        `${p.title} · Pull Request #${p.number}`,
        `<h1>${escapeHtml(String(p.title))} <span class="note">#${
          p.number
        }</span></h1>
<p><span class="state ${state}">${state[0].toUpperCase()}${state.slice(
          1,
        )}</span>
 ${escapeHtml(p.user?.login ?? '')} wants to merge into <code>${escapeHtml(
          p.base?.ref ?? '',
        )}</code> from <code>${escapeHtml(p.head?.ref ?? '')}</code></p>
${action}
<h2>Files changed</h2><table aria-label="Files changed"><tr><th>File</th><th>Status</th><th>Change</th></tr>${rows}</table>
<h2>Description</h2><pre style="white-space:pre-wrap">${escapeHtml(
          String(p.body ?? ''),
        )}</pre>`,
      );
    }),
    http.post(`${origin}/${pullPath}/merge`, async ({ params }) => {
      const { owner, repo, number } = params as Record<string, string>;
      const merged = await callApi(
        'PUT',
        `/repos/${owner}/${repo}/pulls/${number}/merge`,
        {},
      );
      if (merged.status !== 200) {
        return page(
          'Merge failed',
          `<h1>Could not merge #${escapeHtml(number)}</h1><p>${escapeHtml(
            String(merged.json?.message ?? `HTTP ${merged.status}`),
          )}</p>`,
          merged.status,
        );
      }
      return new HttpResponse(null, {
        status: 303,
        headers: { location: `/${owner}/${repo}/pull/${number}` },
      });
    }),
  ];
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

/** The lines between the common head and tail of two texts: what a one-place edit changed. */
function changedLines(
  before: string,
  after: string,
): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    removed: a.slice(head, a.length - tail),
    added: b.slice(head, b.length - tail),
  };
}
