import { addBusinessDays } from '../business-time';
import {
  checkInReward,
  CheckInRules,
  nextStreakBonus,
  streakAfter,
  streakBonusProblems,
  streakCycleDay,
} from './check-in';

const rules: CheckInRules = {
  points: 5,
  growth: 1,
  streakBonuses: [
    { day: 7, points: 30 },
    { day: 3, points: 10 },
  ],
};

describe('daily check-in', () => {
  it('continues yesterday’s streak, or starts one when yesterday was missed', () => {
    expect(streakAfter(null)).toBe(1);
    expect(streakAfter(1)).toBe(2);
    expect(streakAfter(41)).toBe(42);
  });

  it('counts days across month and year ends and 29 February', () => {
    expect(addBusinessDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addBusinessDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addBusinessDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addBusinessDays('2027-03-01', -1)).toBe('2027-02-28');
  });

  it('pays the base reward every day and a bonus on the table’s days, which repeat after the last', () => {
    const week = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15].map((streak) => [
      streak,
      checkInReward(streak, rules).points,
    ]);
    expect(week).toEqual([
      [1, 5],
      [2, 5],
      [3, 15],
      [4, 5],
      [5, 5],
      [6, 5],
      [7, 35],
      [8, 5],
      [9, 5],
      [10, 15],
      [14, 35],
      [15, 5],
    ]);
    expect(checkInReward(7, rules)).toEqual({ points: 35, bonusPoints: 30, growth: 1 });
  });

  it('has no cycle without bonuses: the base reward every day', () => {
    const plain = { ...rules, streakBonuses: [] };
    expect(streakCycleDay(100, [])).toBe(100);
    expect(checkInReward(100, plain)).toEqual({ points: 5, bonusPoints: 0, growth: 1 });
    expect(nextStreakBonus(3, [])).toBeNull();
  });

  it('refuses a streak that is not a whole number of days from 1', () => {
    expect(() => checkInReward(0, rules)).toThrow(RangeError);
    expect(() => checkInReward(1.5, rules)).toThrow(RangeError);
  });

  it('says in how many check-ins the next bonus comes, from a broken streak too', () => {
    expect(nextStreakBonus(0, rules.streakBonuses)).toEqual({ inDays: 3, points: 10 });
    expect(nextStreakBonus(2, rules.streakBonuses)).toEqual({ inDays: 1, points: 10 });
    expect(nextStreakBonus(3, rules.streakBonuses)).toEqual({ inDays: 4, points: 30 });
    expect(nextStreakBonus(7, rules.streakBonuses)).toEqual({ inDays: 3, points: 10 });
    expect(nextStreakBonus(5, [{ day: 7, points: 0 }])).toBeNull();
  });

  it('refuses a table that pays one day twice', () => {
    expect(streakBonusProblems(rules.streakBonuses)).toEqual([]);
    expect(
      streakBonusProblems([
        { day: 3, points: 10 },
        { day: 3, points: 20 },
      ]),
    ).toEqual(['day 3 has more than one bonus']);
  });
});
