/**
 * RFM segments, from quintile scores 1-5 (5 best: bought most recently, on most days, for the
 * most). Recency and frequency decide the segment; monetary value only tells the big spenders
 * slipping away (cannot_lose) from the rest at risk.
 */
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new',
  'promising',
  'needs_attention',
  'cannot_lose',
  'at_risk',
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
}

export function rfmSegment({ recency: r, frequency: f, monetary: m }: RfmScores): RfmSegment {
  for (const score of [r, f, m])
    if (!Number.isInteger(score) || score < 1 || score > 5)
      throw new RangeError(`RFM scores run from 1 to 5, not ${score}`);
  if (r >= 4) return f >= 4 ? 'champions' : f === 1 ? 'new' : 'potential_loyalists';
  if (r === 3) return f >= 4 ? 'loyal' : f === 3 ? 'needs_attention' : 'promising';
  if (f >= 4 && m >= 4) return 'cannot_lose';
  if (f >= 3) return 'at_risk';
  return r === 2 ? 'hibernating' : 'lost';
}

/** Every score triple of a segment, for finding its members by their scores. */
export function scoresOfSegment(segment: RfmSegment): RfmScores[] {
  const triples: RfmScores[] = [];
  for (let recency = 1; recency <= 5; recency++)
    for (let frequency = 1; frequency <= 5; frequency++)
      for (let monetary = 1; monetary <= 5; monetary++)
        if (rfmSegment({ recency, frequency, monetary }) === segment)
          triples.push({ recency, frequency, monetary });
  return triples;
}
