import { formatDuration, parseGoDuration } from './duration';

describe('parseGoDuration', () => {
  it.each([
    ['1h', 3_600_000],
    ['1h0m0s', 3_600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2m3.5s', 123_500],
    ['0s', 0],
    ['0', 0],
    ['+5m', 300_000],
  ])('reads %s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', '1', '1d', 'h', '1h 30m', '-1h', 'abc', '1hh'])(
    'refuses %j',
    text => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );

  it('refuses a missing value', () => {
    expect(parseGoDuration(undefined)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('prints hours, minutes and seconds', () => {
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(5_430_000)).toBe('1h30m30s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
