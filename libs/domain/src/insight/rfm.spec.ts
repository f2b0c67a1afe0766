import { RFM_SEGMENTS, rfmSegment, scoresOfSegment } from './rfm';

const seg = (recency: number, frequency: number, monetary = 3) =>
  rfmSegment({ recency, frequency, monetary });

describe('RFM segments', () => {
  it('names recent buyers by how often they buy', () => {
    expect(seg(5, 5)).toBe('champions');
    expect(seg(4, 4)).toBe('champions');
    expect(seg(5, 1)).toBe('new');
    expect(seg(4, 2)).toBe('potential_loyalists');
    expect(seg(4, 3)).toBe('potential_loyalists');
  });

  it('names the middle by frequency', () => {
    expect(seg(3, 5)).toBe('loyal');
    expect(seg(3, 3)).toBe('needs_attention');
    expect(seg(3, 2)).toBe('promising');
    expect(seg(3, 1)).toBe('promising');
  });

  it('tells frequent big spenders slipping away from the rest at risk', () => {
    expect(seg(2, 4, 4)).toBe('cannot_lose');
    expect(seg(1, 5, 5)).toBe('cannot_lose');
    expect(seg(2, 4, 3)).toBe('at_risk');
    expect(seg(1, 3, 5)).toBe('at_risk');
  });

  it('names long-gone occasional buyers', () => {
    expect(seg(2, 2)).toBe('hibernating');
    expect(seg(2, 1, 5)).toBe('hibernating');
    expect(seg(1, 2)).toBe('lost');
    expect(seg(1, 1, 1)).toBe('lost');
  });

  it('refuses scores outside 1-5', () => {
    expect(() => seg(0, 3)).toThrow(RangeError);
    expect(() => seg(3, 6)).toThrow(RangeError);
    expect(() => seg(3, 3, 2.5)).toThrow(RangeError);
  });

  it('puts each of the 125 score triples in exactly one segment, every segment used', () => {
    const all = RFM_SEGMENTS.flatMap((segment) => scoresOfSegment(segment));
    expect(all).toHaveLength(125);
    expect(new Set(all.map((s) => `${s.recency}${s.frequency}${s.monetary}`)).size).toBe(125);
    for (const segment of RFM_SEGMENTS) expect(scoresOfSegment(segment).length).toBeGreaterThan(0);
  });
});
