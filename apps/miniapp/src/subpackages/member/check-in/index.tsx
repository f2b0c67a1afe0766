import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import type { CheckInCalendar } from '@linli/api-contract';
import { checkInReward } from '@linli/domain';
import { NotLoaded } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { useAuthStore } from '../../../stores/auth-store';
import { useCheckInStore } from '../../../stores/check-in-store';
import { monthGrid, monthTitle, shiftMonth } from './calendar';
import './index.scss';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** 每日签到 +5 积分 · +1 成长值；连续第 3 天再 +10，第 7 天再 +30，之后重新计算 */
function rulesText({ points, growth, streakBonuses }: CheckInCalendar['rules']): string {
  const daily = [`每日签到 +${points} 积分`, growth > 0 ? `+${growth} 成长值` : null]
    .filter(Boolean)
    .join(' · ');
  const paying = streakBonuses.filter((b) => b.points > 0);
  if (paying.length === 0) return daily;
  const bonuses = paying.map((b) => `第 ${b.day} 天再 +${b.points}`).join('，');
  return `${daily}；连续签到${bonuses}，之后重新计算`;
}

function Calendar({
  calendar,
  onShow,
}: {
  calendar: CheckInCalendar;
  onShow(month: string): void;
}) {
  const checked = new Map(calendar.days.map((d) => [d.day, d]));
  const thisMonth = calendar.today.slice(0, 7);
  return (
    <View className="check-in-calendar">
      <View className="check-in-calendar__head">
        <Text
          className="check-in-calendar__prev"
          onClick={() => onShow(shiftMonth(calendar.month, -1))}
        >
          ‹
        </Text>
        <Text className="check-in-calendar__title">{monthTitle(calendar.month)}</Text>
        <Text
          className={`check-in-calendar__next ${calendar.month >= thisMonth ? 'is-disabled' : ''}`}
          onClick={() => calendar.month < thisMonth && onShow(shiftMonth(calendar.month, 1))}
        >
          ›
        </Text>
      </View>
      <View className="check-in-calendar__grid">
        {WEEKDAYS.map((w) => (
          <Text key={w} className="check-in-calendar__weekday">
            {w}
          </Text>
        ))}
        {monthGrid(calendar.month).map((day, i) =>
          day === null ? (
            <View key={`blank-${i}`} className="check-in-day is-blank" />
          ) : (
            <View
              key={day}
              className={`check-in-day ${checked.has(day) ? 'is-checked' : ''} ${day === calendar.today ? 'is-today' : ''}`}
            >
              <Text className="check-in-day__date">{Number(day.slice(8))}</Text>
              {checked.has(day) && (
                <Text className="check-in-day__points">+{checked.get(day)?.points}</Text>
              )}
            </View>
          ),
        )}
      </View>
    </View>
  );
}

export default function CheckInPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const { calendar, loading, error, checkingIn, result, checkInError, showMonth, checkIn } =
    useCheckInStore();

  useDidShow(() => {
    if (loggedIn) void showMonth();
  });

  if (!loggedIn) return <LogInFirst title="登录后每日签到领积分" />;
  if (!calendar)
    return <NotLoaded error={error} loading={loading} onRetry={() => void showMonth()} />;

  const done = calendar.checkedInToday;
  // What checking in now earns: the day's points, and the streak bonus when today reaches it.
  const todayEarns = checkInReward(calendar.streak + 1, calendar.rules).points;
  const today = done ? calendar.days.find((d) => d.day === calendar.today) : undefined;
  const onCheckIn = async () => {
    const checkedIn = await checkIn();
    if (checkedIn)
      void Taro.showToast({ title: `签到成功 +${checkedIn.pointsAwarded} 积分`, icon: 'none' });
  };

  return (
    <View className="check-in">
      <View className="check-in-head">
        <Text className="check-in-head__streak">
          已连续签到 <Text className="check-in-head__days">{calendar.streak}</Text> 天
        </Text>
        {calendar.nextBonus && (
          <Text className="check-in-head__next">
            再连续签到 {calendar.nextBonus.inDays} 天，额外得 {calendar.nextBonus.points} 积分
          </Text>
        )}
        <Button
          className="check-in-button"
          type="primary"
          disabled={done}
          loading={checkingIn}
          onClick={() => void onCheckIn()}
        >
          {done ? '今日已签到' : `签到 +${todayEarns} 积分`}
        </Button>
        {done && result?.day === calendar.today ? (
          <Text className="check-in-head__result">
            今日获得 {result.pointsAwarded} 积分
            {result.growthAwarded > 0 ? ` · ${result.growthAwarded} 成长值` : ''}
          </Text>
        ) : (
          // Checked in without this page hearing the answer: the calendar has what it earned.
          today && <Text className="check-in-head__result">今日获得 {today.points} 积分</Text>
        )}
        {checkInError && <Text className="check-in-error">{checkInError}</Text>}
      </View>
      <Calendar calendar={calendar} onShow={(month) => void showMonth(month)} />
      {error && <Text className="check-in-error">{error}</Text>}
      <Text className="check-in-rules">{rulesText(calendar.rules)}</Text>
    </View>
  );
}
