/**
 * 回访 — the call-back queue: the public reporters (hotline, web, app, WeChat) of closed cases
 * owed a call, one entry per reporter (every caller of a case others' reports were merged into
 * is called), oldest first. The operator calls the reporter and records 满意 / 基本满意 /
 * 不满意 with their words (不满意 may reopen the case: the city setting), or that the call did not
 * reach them. The done tab lists the results.
 */
import { PhoneOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SATISFACTION_RESULTS, type SatisfactionResult } from '../../../../common/satisfaction.ts';
import { api } from '../../api/client';
import { channelLabel, DivisionName, StateTag } from '../../components/case/CaseBits';
import { useSave } from '../../components/FormModal';
import { formatTime, testIdProps } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { type Callback, type CallbackResult, useCallbacks } from './api';

const RESULT_COLOURS: Record<SatisfactionResult, string> = {
  satisfied: 'green',
  basically_satisfied: 'blue',
  dissatisfied: 'red',
};

export function SatisfactionTag({ result }: { result: SatisfactionResult }) {
  const { t } = useTranslation();
  return (
    <Tag color={RESULT_COLOURS[result]} data-testid="callback-result-tag" data-result={result}>
      {t(`callback.result.${result}`)}
    </Tag>
  );
}

/** The reporter this call-back is for: name, phone, channel, and whether their report was merged. */
function Reporters({ cb }: { cb: Callback }) {
  const { t } = useTranslation();
  const r = cb.reporter;
  return (
    <span data-testid="callback-reporter">
      {r.name ?? t('callback.noName')} ·{' '}
      <Typography.Text strong copyable={!!r.phone}>
        {r.phone ?? t('callback.noPhone')}
      </Typography.Text>{' '}
      <Tag>{channelLabel(t, r.channel)}</Tag>
      {r.merged && (
        <Tag color="blue" data-testid="callback-reporter-merged">
          {t('callback.mergedReport')}
        </Tag>
      )}
    </span>
  );
}

function CallbackDialog({ cb, onClose }: { cb: Callback; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ result: SatisfactionResult; note?: string }>();
  const [missNote, setMissNote] = useState('');
  const [done, setDone] = useState<CallbackResult | null>(null);
  const save = useSave({
    mutationFn: (v: { result: SatisfactionResult; note?: string }) =>
      api.post<CallbackResult>(`/api/callbacks/${cb.id}/result`, {
        result: v.result,
        note: v.note?.trim() || undefined,
      }),
    invalidate: ['callbacks'],
    form,
    onSaved: setDone,
  });
  const miss = useSave({
    mutationFn: () => api.post<Callback>(`/api/callbacks/${cb.id}/attempts`, { note: missNote.trim() }),
    success: t('callback.missNoted'),
    invalidate: ['callbacks'],
    onSaved: onClose,
  });
  const result = Form.useWatch('result', form);
  return (
    <Modal
      open
      width={640}
      title={t('callback.dialogTitle', { code: cb.case.code })}
      onCancel={onClose}
      okText={done ? t('callback.close') : t('callback.save')}
      cancelButtonProps={done ? { style: { display: 'none' } } : undefined}
      okButtonProps={{ loading: save.isPending, ...testIdProps('callback-save') }}
      onOk={() => (done ? onClose() : form.submit())}
      destroyOnHidden
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'desc', label: t('callback.field.description'), children: cb.case.description },
          { key: 'addr', label: t('callback.field.address'), children: cb.case.address ?? '—' },
          { key: 'closed', label: t('callback.field.closedAt'), children: formatTime(cb.closedAt) },
          { key: 'who', label: t('callback.field.reporters'), children: <Reporters cb={cb} /> },
          { key: 'words', label: t('callback.field.reporterWords'), children: cb.reporter.description },
        ]}
      />
      {done ? (
        <Alert
          type={done.reopened || done.keptClosed ? 'warning' : 'success'}
          showIcon
          data-testid="callback-done"
          data-kept-closed={done.keptClosed ?? undefined}
          title={
            done.reopened
              ? t('callback.reopened')
              : done.keptClosed
                ? t(`callback.keptClosed.${done.keptClosed}`)
                : t('callback.recorded')
          }
        />
      ) : (
        <>
          <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} style={{ marginTop: 12 }}>
            <Form.Item
              name="result"
              label={t('callback.field.result')}
              rules={[{ required: true, message: t('callback.resultRequired') }]}
            >
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={SATISFACTION_RESULTS.map((r) => ({ value: r, label: t(`callback.result.${r}`) }))}
                data-testid="callback-result"
              />
            </Form.Item>
            <Form.Item
              name="note"
              label={t('callback.field.note')}
              rules={[{ max: 500 }]}
              extra={result === 'dissatisfied' ? t('callback.dissatisfiedHint') : undefined}
            >
              <Input.TextArea rows={3} maxLength={500} showCount data-testid="callback-note" />
            </Form.Item>
          </Form>
          <Card size="small" title={t('callback.missTitle')}>
            <Space.Compact style={{ width: '100%' }}>
              <Input
                value={missNote}
                maxLength={500}
                onChange={(e) => setMissNote(e.target.value)}
                placeholder={t('callback.missPlaceholder')}
                data-testid="callback-miss-note"
              />
              <Button
                disabled={missNote.trim() === ''}
                loading={miss.isPending}
                onClick={() => miss.mutate(undefined)}
                data-testid="callback-miss"
              >
                {t('callback.miss')}
              </Button>
            </Space.Compact>
          </Card>
        </>
      )}
    </Modal>
  );
}

export function CallbacksPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'pending' | 'done'>('pending');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Callback | null>(null);
  const list = useCallbacks({ status, page, pageSize: 20 });
  return (
    <PageContainer
      testId="page-callbacks"
      title={t('callback.title')}
      extra={
        <Segmented<'pending' | 'done'>
          value={status}
          onChange={(s) => {
            setStatus(s);
            setPage(1);
          }}
          options={[
            { value: 'pending', label: t('callback.pending') },
            { value: 'done', label: t('callback.done') },
          ]}
          data-testid="callback-status"
        />
      }
    >
      <Table<Callback>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        data-testid="callback-list"
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          {
            title: t('callback.field.case'),
            key: 'case',
            width: 220,
            render: (_, cb) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/cases/${cb.case.id}`} data-testid="callback-case">
                  {cb.case.code}
                </Link>
                <span>
                  <DivisionName code={cb.case.districtCode} /> <StateTag state={cb.case.state} />
                </span>
              </Space>
            ),
          },
          {
            title: t('callback.field.description'),
            key: 'desc',
            render: (_, cb) => (
              <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
                {cb.case.description}
              </Typography.Paragraph>
            ),
          },
          {
            title: t('callback.field.reporters'),
            key: 'who',
            width: 260,
            render: (_, cb) => <Reporters cb={cb} />,
          },
          {
            title: t('callback.field.closedAt'),
            key: 'closed',
            width: 160,
            render: (_, cb) => formatTime(cb.closedAt),
          },
          status === 'pending'
            ? {
                title: t('callback.field.attempts'),
                key: 'attempts',
                width: 140,
                render: (_, cb) =>
                  cb.attempts > 0 ? (
                    <Typography.Text type="secondary">
                      {t('callback.attempts', { n: cb.attempts })} {cb.lastAttemptNote}
                    </Typography.Text>
                  ) : (
                    '—'
                  ),
              }
            : {
                title: t('callback.field.result'),
                key: 'result',
                width: 220,
                render: (_, cb) =>
                  cb.satisfaction ? (
                    <Space orientation="vertical" size={0}>
                      <span>
                        <SatisfactionTag result={cb.satisfaction.result} />
                        <Typography.Text type="secondary">
                          {t(`callback.source.${cb.satisfaction.source}`)}
                        </Typography.Text>
                        {cb.reopened && <Tag color="volcano">{t('callback.reopenedTag')}</Tag>}
                      </span>
                      {cb.satisfaction.note && (
                        <Typography.Text type="secondary">{cb.satisfaction.note}</Typography.Text>
                      )}
                    </Space>
                  ) : (
                    '—'
                  ),
              },
          {
            title: '',
            key: 'act',
            width: 100,
            render: (_, cb) =>
              cb.status === 'pending' ? (
                <Button
                  type="primary"
                  size="small"
                  icon={<PhoneOutlined />}
                  onClick={() => setOpen(cb)}
                  data-testid="callback-open"
                >
                  {t('callback.call')}
                </Button>
              ) : null,
          },
        ]}
      />
      {open && <CallbackDialog cb={open} onClose={() => setOpen(null)} />}
    </PageContainer>
  );
}
