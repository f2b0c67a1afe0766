import { Cell } from '@nutui/nutui-react-taro';
import { Picker } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { businessDay } from '@linli/domain';
import { useAuthStore } from '../../stores/auth-store';

/** 1990-05-17 -> 5月17日 */
const monthDay = (day: string) => `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日`;

/**
 * 我的生日: set once, then changeable a year after the last change; on it, the tier's birthday
 * gift comes. A member who may not change it yet is told from when they may.
 */
export function BirthdayCell() {
  const member = useAuthStore((s) => s.member);
  const setBirthday = useAuthStore((s) => s.setBirthday);
  if (!member) return null;
  const today = businessDay(new Date());
  const { birthday, birthdayChangeableFrom } = member;
  // Not known until the member's own record is read (the log-in answer does not say): not
  // offered as unset, which would refuse a day picked over one set before.
  if (birthday === undefined)
    return <Cell className="mine-birthday-link" title="我的生日" extra="—" />;
  const changeableFrom =
    birthday && birthdayChangeableFrom && birthdayChangeableFrom > today
      ? birthdayChangeableFrom
      : null;

  const save = async (day: string) => {
    if (day === birthday) return;
    const { confirm } = await Taro.showModal({
      title: `生日设为${monthDay(day)}？`,
      content: '生日一年只能修改一次，生日当天会收到会员生日礼',
    });
    if (confirm && (await setBirthday(day)))
      void Taro.showToast({ title: '生日已保存', icon: 'success' });
  };

  const cell = (
    <Cell
      className="mine-birthday-link"
      title="我的生日"
      extra={birthday ? monthDay(birthday) : '设置生日，领生日礼'}
      clickable
      onClick={
        changeableFrom
          ? () => void Taro.showToast({ title: `${changeableFrom} 起可以修改`, icon: 'none' })
          : undefined
      }
    />
  );
  if (changeableFrom) return cell;
  return (
    <Picker
      mode="date"
      start="1900-01-01"
      end={today}
      value={birthday ?? '1990-01-01'}
      onChange={(event) => void save(event.detail.value)}
    >
      {cell}
    </Picker>
  );
}
