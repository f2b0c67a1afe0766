import {
  lineCommissionFen,
  planRefund,
  RefundableLine,
  RefundQuantityError,
  shortfallDeductionFen,
  splitOrderPoints,
  unitsShare,
} from './refund-plan';
import { drawPickupCode, PICKUP_CODE_PATTERN } from './pickup-code';

const apples: RefundableLine = {
  lineId: 'apples',
  quantity: 3,
  refundedQuantity: 0,
  payableFen: 1000,
  pointsUsed: 100,
  pointsEarned: 10,
  commissionFen: 100,
};
const milk: RefundableLine = {
  lineId: 'milk',
  quantity: 1,
  refundedQuantity: 0,
  payableFen: 599,
  pointsUsed: 0,
  pointsEarned: 5,
  commissionFen: 60,
};

describe('refund plan', () => {
  it('refunds one whole line and leaves the rest', () => {
    const plan = planRefund([apples, milk], [{ lineId: 'milk', quantity: 1 }]);
    expect(plan).toMatchObject({
      moneyFen: 599,
      pointsReturned: 0,
      pointsClawedBack: 5,
      commissionFen: 60,
      refundsEverything: false,
    });
  });

  it('adds up unit by unit to exactly the whole line', () => {
    let line = { ...apples };
    const parts = [];
    for (let i = 0; i < 3; i += 1) {
      const plan = planRefund([line], [{ lineId: 'apples', quantity: 1 }]);
      parts.push(plan);
      line = { ...line, refundedQuantity: line.refundedQuantity + 1 };
    }
    expect(parts.map((p) => p.moneyFen)).toEqual([333, 334, 333]);
    expect(parts.reduce((s, p) => s + p.moneyFen, 0)).toBe(1000);
    expect(parts.reduce((s, p) => s + p.pointsReturned, 0)).toBe(100);
    expect(parts.reduce((s, p) => s + p.commissionFen, 0)).toBe(100);
    expect(parts.at(-1)?.refundsEverything).toBe(true);
  });

  it('knows when everything is refunded', () => {
    const plan = planRefund(
      [apples, milk],
      [
        { lineId: 'apples', quantity: 3 },
        { lineId: 'milk', quantity: 1 },
      ],
    );
    expect(plan.refundsEverything).toBe(true);
    expect(plan.moneyFen).toBe(1599);
  });

  it('refuses more than is left, and lines the order does not have', () => {
    expect(() =>
      planRefund([{ ...apples, refundedQuantity: 2 }], [{ lineId: 'apples', quantity: 2 }]),
    ).toThrow(RefundQuantityError);
    expect(() => planRefund([apples], [{ lineId: 'pears', quantity: 1 }])).toThrow(
      RefundQuantityError,
    );
  });

  it('counts a line named twice once, in total', () => {
    expect(() =>
      planRefund(
        [apples],
        [
          { lineId: 'apples', quantity: 2 },
          { lineId: 'apples', quantity: 2 },
        ],
      ),
    ).toThrow(RefundQuantityError);
  });

  it('shares are half up of the running total', () => {
    expect(unitsShare(5, 2, 0, 1)).toBe(3);
    expect(unitsShare(5, 2, 1, 2)).toBe(2);
  });
});

describe('order points over lines', () => {
  it('splits spent points by points discount and earned points by what was paid', () => {
    const split = splitOrderPoints({ pointsUsed: 150, pointsToEarn: 7 }, [
      { pointsDiscountFen: 100, payableFen: 300 },
      { pointsDiscountFen: 50, payableFen: 400 },
    ]);
    expect(split).toEqual([
      { pointsUsed: 100, pointsEarned: 3 },
      { pointsUsed: 50, pointsEarned: 4 },
    ]);
  });
});

describe('order points over lines, when points and fen differ', () => {
  it('splits more points spent than fen they took off (200 points a yuan)', () => {
    expect(
      splitOrderPoints({ pointsUsed: 1_000, pointsToEarn: 10 }, [
        { pointsDiscountFen: 300, payableFen: 700 },
        { pointsDiscountFen: 200, payableFen: 800 },
      ]),
    ).toEqual([
      { pointsUsed: 600, pointsEarned: 5 },
      { pointsUsed: 400, pointsEarned: 5 },
    ]);
  });

  it('splits more points earned than fen paid (100 points a yuan, 1.2 times)', () => {
    expect(
      splitOrderPoints({ pointsUsed: 0, pointsToEarn: 1_200 }, [
        { pointsDiscountFen: 0, payableFen: 600 },
        { pointsDiscountFen: 0, payableFen: 400 },
      ]),
    ).toEqual([
      { pointsUsed: 0, pointsEarned: 720 },
      { pointsUsed: 0, pointsEarned: 480 },
    ]);
  });
});

describe('commission and shortfall', () => {
  it('takes basis points of the paid amount, half up', () => {
    expect(lineCommissionFen(1005, 1000)).toBe(101);
    expect(lineCommissionFen(1004, 1000)).toBe(100);
  });

  it('keeps back the money for points that could not be clawed back, rounded up', () => {
    expect(shortfallDeductionFen(0, 100)).toBe(0);
    expect(shortfallDeductionFen(7, 100)).toBe(7);
    expect(shortfallDeductionFen(7, 200)).toBe(4);
  });
});

describe('pickup code', () => {
  it('is always eight digits', () => {
    expect(drawPickupCode(() => 42)).toBe('00000042');
    expect(drawPickupCode((max) => max - 1)).toBe('99999999');
    expect(PICKUP_CODE_PATTERN.test(drawPickupCode(() => 12345678))).toBe(true);
  });
});
