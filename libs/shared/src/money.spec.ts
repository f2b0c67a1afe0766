import { formatYuan } from './money';

describe('formatYuan', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [99, '¥0.99'],
    [2_990, '¥29.90'],
    [100_000_01, '¥100000.01'],
    [-150, '-¥1.50'],
  ])('%i fen reads %s', (fen, text) => expect(formatYuan(fen)).toBe(text));

  it('refuses amounts that are not whole fen', () => {
    expect(() => formatYuan(12.5)).toThrow(RangeError);
    expect(() => formatYuan(Number.NaN)).toThrow(RangeError);
  });
});
