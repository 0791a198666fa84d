/**
 * The path parameters a route's pattern captured, percent-decoded (an
 * optional group that did not match is ''), or undefined when one is not
 * valid percent-encoding: the doubles answer that as a path they do not
 * know, as the real servers do.
 */
export function routeParams(
  pattern: RegExp,
  path: string,
): string[] | undefined {
  try {
    return (pattern.exec(path) ?? [])
      .slice(1)
      .map(g => (g === undefined ? '' : decodeURIComponent(g)));
  } catch {
    return undefined;
  }
}
