/** The head of the case page: code, state and flags, type / channel / time, and the current stage's clock. */
import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type CaseDetail, useMatterNames } from '../../../components/case/api';
import {
  CaseFlags,
  Countdown,
  channelLabel,
  LightBadge,
  StateTag,
  stageLabel,
} from '../../../components/case/CaseBits';
import { formatTime } from '../../../components/format';
import { withColon } from '../../../components/wording';

export function CaseHeader({
  detail,
  refreshing,
  onRefresh,
}: {
  detail: CaseDetail;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const matterNames = useMatterNames();
  const c = detail.case;
  const openStage = detail.stages.find((s) => !s.stoppedAt && s.stage === c.currentStage);
  return (
    <Card styles={{ body: { padding: '16px 20px' } }} style={{ marginBottom: 12 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
        <div>
          <Space size={10} align="center" wrap>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              onClick={() => void navigate(-1)}
              aria-label={t('case.backToQueue')}
            />
            <Typography.Title
              level={4}
              style={{ margin: 0, fontFamily: 'monospace' }}
              data-testid="case-code"
            >
              {c.code}
            </Typography.Title>
            <StateTag state={c.state} />
            <CaseFlags c={c} />
          </Space>
          <div style={{ marginTop: 6, marginLeft: 42, color: 'rgba(0,0,0,0.55)' }}>
            {c.matterCode ? `${c.matterCode} ${matterNames.get(c.matterCode) ?? ''}` : t('case.untyped')}
            <span style={{ margin: '0 8px', color: '#d9d9d9' }}>|</span>
            {channelLabel(t, c.channel)}
            <span style={{ margin: '0 8px', color: '#d9d9d9' }}>|</span>
            {t('case.reportedAt', { time: formatTime(c.createdAt) })}
          </div>
        </div>
        <div style={{ display: 'flex', gap: 24, alignItems: 'center' }}>
          {c.currentStage && (
            <div style={{ textAlign: 'right' }} data-testid="case-deadline">
              <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
                {withColon(t, t('case.currentStage'))}
                {stageLabel(t, c.currentStage)}
                {openStage?.pausedAt && <Tag style={{ marginLeft: 6 }}>{t('case.paused')}</Tag>}
              </div>
              <div style={{ fontSize: 20, fontWeight: 600 }}>
                <Space size={8}>
                  <LightBadge light={c.light} />
                  <Countdown due={c.currentDueAt} light={c.light} />
                </Space>
              </div>
              <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
                {withColon(t, t('case.dueAt'))}
                {formatTime(c.currentDueAt)}
              </div>
            </div>
          )}
          <Button icon={<ReloadOutlined />} onClick={onRefresh} loading={refreshing}>
            {t('common.refresh')}
          </Button>
        </div>
      </div>
    </Card>
  );
}
