import { GOOD } from './__testUtils__/alloyText';
import { AlloySyntaxError } from './lexer';
import { readAlloy } from './reader';

describe('readAlloy', () => {
  it('lists every reference with the component and argument holding it', () => {
    const { components, references } = readAlloy(GOOD);
    expect(components.map(c => [c.name, c.label, c.line])).toEqual([
      ['otelcol.receiver.otlp', 'default', 1],
      ['otelcol.processor.batch', 'default', 12],
      ['otelcol.exporter.prometheus', 'mimir', 19],
      ['prometheus.remote_write', 'mimir', 23],
      ['otelcol.exporter.otlphttp', 'loki', 29],
    ]);
    expect(
      references.map(r => [
        `${r.from.component} "${r.from.label}"`,
        r.at,
        r.path,
        r.line,
      ]),
    ).toEqual([
      [
        'otelcol.receiver.otlp "default"',
        'output.metrics[0]',
        'otelcol.processor.batch.default.input',
        7,
      ],
      [
        'otelcol.receiver.otlp "default"',
        'output.logs[0]',
        'otelcol.processor.batch.default.input',
        8,
      ],
      [
        'otelcol.processor.batch "default"',
        'output.metrics[0]',
        'otelcol.exporter.prometheus.mimir.input',
        14,
      ],
      [
        'otelcol.processor.batch "default"',
        'output.logs[0]',
        'otelcol.exporter.otlphttp.loki.input',
        15,
      ],
      [
        'otelcol.exporter.prometheus "mimir"',
        'forward_to[0]',
        'prometheus.remote_write.mimir.receiver',
        20,
      ],
    ]);
    expect(references[4].ref).toEqual({
      kind: 'ref',
      component: 'prometheus.remote_write',
      label: 'mimir',
      export: 'receiver',
    });
  });

  it.each([
    [
      // syntax.md's own "Expressions can span multiple lines" example has no
      // comma after the last element; Alloy's parser inserts a terminator
      // there and reports a missing comma.
      'a multi-line list without a final comma',
      'x "y" {\n  targets = [\n    { "__address__" = "server1:9090" },\n    { "__address__" = "server2:9090" }\n  ]\n}\n',
      'line 4, column 39: missing "," before the newline: in Alloy every element of a multi-line list ends with a comma',
    ],
    [
      // contracts.md section 4 writes `client { endpoint = "tempo:4317"  tls { insecure = true } }`.
      'two statements on one line',
      'otelcol.exporter.otlp "tempo" {\n  client { endpoint = "tempo:4317"  tls { insecure = true } }\n}\n',
      'line 2, column 37: expected a newline after the statement, got identifier tls (one attribute or block per line)',
    ],
    [
      'a label that is not an identifier',
      'loki.write "my-logs" {\n}\n',
      'line 1, column 12: expected block label to be a valid identifier, but got "my-logs"',
    ],
    [
      'a single-quoted string',
      'a "b" {\n  x = \'y\'\n}\n',
      'line 2, column 7: illegal single-quoted string; use double quotes',
    ],
    [
      'an unknown escape',
      'a "b" {\n  x = "\\q"\n}\n',
      'line 2, column 8: unknown escape sequence \\q',
    ],
    [
      'an unclosed block',
      'a "b" {\n  x = 1\n',
      'line 3, column 1: expected "}" to close the block, got the end of the text',
    ],
    [
      'an operator',
      'a "b" {\n  x = 1 + 2\n}\n',
      'line 2, column 9: operator + is outside the subset readAlloy reads (no expressions with operators)',
    ],
    [
      'a NUL byte',
      'a "b" {\n  x = "\u0000"\n}\n',
      'line 2, column 8: illegal character NUL',
    ],
  ])('reports %s with its line', (_what, text, message) => {
    expect(() => readAlloy(text)).toThrow(AlloySyntaxError);
    expect(() => readAlloy(text)).toThrow(message);
  });

  it('keeps the comment lines right above a component, not others', () => {
    const { components } = readAlloy(
      '// file header\n\n// What a does.\n// Second line.\nloki.write "a" { // trailing\n  // inside\n}\n',
    );
    expect(components[0].comment).toBe('What a does.\nSecond line.');
  });
});
