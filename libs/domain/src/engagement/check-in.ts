/** Extra points on a given day of a check-in streak (连续签到第 N 天). */
export interface StreakBonus {
  day: number;
  points: number;
}

/** What a daily check-in earns (DESIGN.md section 8): a base reward plus streak bonuses. */
export interface CheckInRules {
  points: number;
  growth: number;
  /** The bonus days repeat: a streak longer than the last bonus day starts the table again. */
  streakBonuses: StreakBonus[];
}

export interface CheckInReward {
  points: number;
  bonusPoints: number;
  growth: number;
}

/** The streak of a check-in: one more than yesterday's, or 1 when yesterday was missed. */
export function streakAfter(yesterdayStreak: number | null): number {
  return (yesterdayStreak ?? 0) + 1;
}

/** Which day of the bonus table a streak has reached: the table repeats after its last day. */
export function streakCycleDay(streak: number, bonuses: StreakBonus[]): number {
  if (!Number.isInteger(streak) || streak < 1) throw new RangeError(`Not a streak: ${streak}`);
  const cycle = Math.max(0, ...bonuses.map((b) => b.day));
  return cycle === 0 ? streak : ((streak - 1) % cycle) + 1;
}

function bonusOn(streak: number, bonuses: StreakBonus[]): number {
  const day = streakCycleDay(streak, bonuses);
  return bonuses.find((b) => b.day === day)?.points ?? 0;
}

/** What the check-in that makes a streak of `streak` days earns. */
export function checkInReward(streak: number, rules: CheckInRules): CheckInReward {
  const bonusPoints = bonusOn(streak, rules.streakBonuses);
  return { points: rules.points + bonusPoints, bonusPoints, growth: rules.growth };
}

/**
 * The next bonus a member on a streak of `streak` days (0 when it is broken) reaches by
 * checking in every day: in how many check-ins, and its points; null when the table has none.
 */
export function nextStreakBonus(
  streak: number,
  bonuses: StreakBonus[],
): { inDays: number; points: number } | null {
  const cycle = Math.max(0, ...bonuses.map((b) => b.day));
  for (let inDays = 1; inDays <= cycle; inDays++) {
    const points = bonusOn(streak + inDays, bonuses);
    if (points > 0) return { inDays, points };
  }
  return null;
}

/** Why a bonus table cannot be used, or none: days from 1 to 31, each at most once. */
export function streakBonusProblems(bonuses: StreakBonus[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const { day } of bonuses) {
    if (seen.has(day)) problems.push(`day ${day} has more than one bonus`);
    seen.add(day);
  }
  return problems;
}
