import { GO_SIMPLE_ESCAPES, isUnicodeScalarValue } from './quoting';

describe('Go string escapes', () => {
  it("has Go's nine one-character escapes of a double-quoted string, and no \\'", () => {
    expect(GO_SIMPLE_ESCAPES).toEqual({
      a: '\u0007',
      b: '\u0008',
      f: '\u000c',
      n: '\u000a',
      r: '\u000d',
      t: '\u0009',
      v: '\u000b',
      '\\': '\\',
      '"': '"',
    });
    expect(Object.isFrozen(GO_SIMPLE_ESCAPES)).toBe(true);
  });

  it('takes code points up to U+10FFFF except the surrogates', () => {
    expect(
      [0, 0xd7ff, 0xd800, 0xdfff, 0xe000, 0x10ffff, 0x110000].map(
        isUnicodeScalarValue,
      ),
    ).toEqual([true, true, false, false, true, true, false]);
  });
});
