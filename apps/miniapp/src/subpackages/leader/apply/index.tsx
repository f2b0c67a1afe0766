import { Button, Input, TextArea } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { NotLoaded } from '../../../components/load-failed';
import { LogInFirst } from '../../../components/log-in-first';
import { formatDateTime } from '../../../services/format';
import { LOCATION_NEEDED } from '../../../services/location';
import { DECISION_LABELS } from '../../../services/order-labels';
import { useAuthStore } from '../../../stores/auth-store';
import { useLeaderStore } from '../../../stores/leader-store';
import '../leader.scss';
import './index.scss';

const MOBILE = /^1\d{10}$/;

/** A member asks to run a nearby pickup point that has no leader yet; operators approve. */
export default function ApplyPage() {
  const loggedIn = useAuthStore((s) => Boolean(s.accessToken));
  const {
    applications,
    applicationsRead,
    vacantPoints,
    locationNeeded,
    loading,
    busy,
    error,
    loadApplications,
    apply,
  } = useLeaderStore();
  const [chosenId, setChosenId] = useState<string | null>(null);
  const pickupPoint = vacantPoints.find((point) => point.id === chosenId) ?? null;
  const [realName, setRealName] = useState('');
  const [phone, setPhone] = useState('');
  const [note, setNote] = useState('');
  useDidShow(() => {
    if (loggedIn) void loadApplications();
  });

  const pending = applications.some((application) => application.status === 'pending');
  const approved = applications.some((application) => application.status === 'approved');
  const problem =
    realName.trim().length > 0 && realName.trim().length < 2
      ? '请填写真实姓名'
      : phone.length > 0 && !MOBILE.test(phone)
        ? '请填写 11 位手机号'
        : null;
  const ready = pickupPoint && realName.trim().length >= 2 && MOBILE.test(phone) && !problem;

  const submit = async () => {
    if (!pickupPoint) return;
    const recorded = await apply({
      pickupPointId: pickupPoint.id,
      realName: realName.trim(),
      phone,
      note: note.trim(),
    });
    if (recorded) void Taro.showToast({ title: '已提交审核', icon: 'success' });
  };

  if (!loggedIn) return <LogInFirst title="登录后申请成为团长" />;
  if (!applicationsRead)
    return (
      <View className="page leader-apply">
        <NotLoaded error={error} loading={loading} onRetry={() => void loadApplications()} />
      </View>
    );
  return (
    <View className="page leader-apply">
      {approved && (
        <View className="leader-card">
          <Text className="leader-card__title">你的申请已通过</Text>
          <Button
            type="primary"
            block
            onClick={() => void Taro.redirectTo({ url: '/subpackages/leader/dashboard/index' })}
          >
            进入团长工作台
          </Button>
        </View>
      )}
      {!approved && !pending && (
        <View className="leader-card">
          <Text className="leader-card__title">申请信息</Text>
          <Text className="leader-muted">选择你要服务的自提点（附近还没有团长的）</Text>
          {vacantPoints.map((point) => (
            <View
              key={point.id}
              className={`apply-point ${point.id === chosenId ? 'is-chosen' : ''}`}
              onClick={() => setChosenId(point.id)}
            >
              <View className="apply-point__info">
                <Text className="apply-point__name">{point.name}</Text>
                <Text className="leader-muted">
                  {point.communityName} · {point.address}
                </Text>
              </View>
              <Text className="leader-accent">{point.id === chosenId ? '已选' : '选择'}</Text>
            </View>
          ))}
          {!loading && locationNeeded && <Text className="leader-muted">{LOCATION_NEEDED}</Text>}
          {!loading && !locationNeeded && vacantPoints.length === 0 && (
            <Text className="leader-muted">附近的自提点都已有团长，新自提点开放后可在这里申请</Text>
          )}
          <Input
            className="apply-name"
            value={realName}
            placeholder="真实姓名"
            maxLength={20}
            onChange={(value) => setRealName(value)}
          />
          <Input
            className="apply-phone"
            type="tel"
            value={phone}
            placeholder="手机号"
            maxLength={11}
            onChange={(value) => setPhone(value.replace(/\D/g, ''))}
          />
          <TextArea
            className="apply-note"
            value={note}
            placeholder="介绍一下自己，如：小区便利店店主"
            maxLength={200}
            onChange={(value) => setNote(value)}
          />
          {problem && <Text className="leader-muted">{problem}</Text>}
          <Button
            className="apply-submit"
            type="primary"
            block
            loading={busy}
            disabled={!ready}
            onClick={() => void submit()}
          >
            提交申请
          </Button>
        </View>
      )}
      {error && <Text className="leader-error">{error}</Text>}
      {applications.length > 0 && (
        <View className="leader-card">
          <Text className="leader-card__title">我的申请</Text>
          {applications.map((application) => (
            <View key={application.id} className="apply-record">
              <View className="leader-row">
                <Text>{application.pickupPointName}</Text>
                <Text className="leader-accent apply-status">
                  {DECISION_LABELS[application.status]}
                </Text>
              </View>
              <Text className="leader-muted">
                {formatDateTime(application.createdAt)}
                {application.decisionNote ? ` · ${application.decisionNote}` : ''}
              </Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
