import { lifecycleStage, PurchaseHistoryFacts } from './lifecycle';

const facts = (overrides: Partial<PurchaseHistoryFacts>): PurchaseHistoryFacts => ({
  firstPurchaseDaysAgo: 400,
  lastPurchaseDaysAgo: 5,
  previousGapDays: 7,
  probabilityAlive: 0.95,
  ...overrides,
});

describe('lifecycle stages', () => {
  it('calls a member new for 30 days from their first purchase', () => {
    expect(lifecycleStage(facts({ firstPurchaseDaysAgo: 0, previousGapDays: null }))).toBe('new');
    expect(lifecycleStage(facts({ firstPurchaseDaysAgo: 29, probabilityAlive: 0.1 }))).toBe('new');
    expect(lifecycleStage(facts({ firstPurchaseDaysAgo: 30 }))).toBe('active');
  });

  it('calls a member won back for 30 days after a purchase that ended a gap of 90 days or more', () => {
    expect(lifecycleStage(facts({ lastPurchaseDaysAgo: 3, previousGapDays: 90 }))).toBe('won_back');
    expect(lifecycleStage(facts({ lastPurchaseDaysAgo: 29, previousGapDays: 200 }))).toBe(
      'won_back',
    );
    expect(lifecycleStage(facts({ lastPurchaseDaysAgo: 3, previousGapDays: 89 }))).toBe('active');
    expect(lifecycleStage(facts({ lastPurchaseDaysAgo: 30, previousGapDays: 200 }))).toBe('active');
  });

  it('reads churn and risk from P(alive)', () => {
    expect(lifecycleStage(facts({ probabilityAlive: 0.29 }))).toBe('churned');
    expect(lifecycleStage(facts({ probabilityAlive: 0.3 }))).toBe('at_risk');
    expect(lifecycleStage(facts({ probabilityAlive: 0.69 }))).toBe('at_risk');
    expect(lifecycleStage(facts({ probabilityAlive: 0.7 }))).toBe('active');
  });

  it('does not keep a one-day buyer alive for ever, as BG/NBD alone would', () => {
    const oneDay = { previousGapDays: null, probabilityAlive: 1 };
    expect(lifecycleStage(facts({ ...oneDay, lastPurchaseDaysAgo: 59 }))).toBe('active');
    expect(lifecycleStage(facts({ ...oneDay, lastPurchaseDaysAgo: 60 }))).toBe('at_risk');
    expect(lifecycleStage(facts({ ...oneDay, lastPurchaseDaysAgo: 180 }))).toBe('churned');
  });
});
