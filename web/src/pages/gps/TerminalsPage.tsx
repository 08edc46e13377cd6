/**
 * GPS终端台账: the JT/T 808 terminals in the caller's scope — phone/ID, plate, what carries it,
 * the organisation that runs it, whether it is online now (heard from in the last 5 minutes) and
 * its newest fix — with create / edit / disable for whom holds gps:manage. A new terminal's auth
 * code (鉴权码) is shown once after registering it (to configure a terminal that skips
 * registration); the demo's generated terminals say so.
 */
import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { GPS_TERMINAL_KIND_CODES, PLATE_COLOURS } from '../../../../common/gps.ts';
import { OFFLINE_AFTER_MS } from '../../../../common/gps-live.ts';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { DivisionName } from '../../components/case/CaseBits';
import { FormModal, useSave } from '../../components/FormModal';
import { formatTime, testIdProps } from '../../components/format';
import { OrgSelect } from '../../components/OrgSelect';
import { PageContainer } from '../../components/PageContainer';
import { cleanFilters, FilterBar, PagedTable, usePagedList } from '../../components/PagedList';
import { gpsKey, type Terminal, type TerminalDetail, terminalKindName } from './api';

interface Filters {
  q?: string;
  kind?: string;
  enabled?: boolean;
}

interface Values {
  terminalId: string;
  plate?: string;
  plateColour: number;
  kind: string;
  orgId?: string;
  crs: 'wgs84' | 'gcj02';
  imei?: string;
  enabled: boolean;
  note?: string;
}

const online = (x: Terminal, now = Date.now()) =>
  x.enabled && !!x.lastSeenAt && now - Date.parse(x.lastSeenAt) <= OFFLINE_AFTER_MS;

export function TerminalsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('gps:manage') ?? false;
  const [dialog, setDialog] = useState<Terminal | 'create' | null>(null);
  const [created, setCreated] = useState<TerminalDetail | null>(null);
  const list = usePagedList<ListResult<Terminal>, Filters>({
    queryKey: [...gpsKey, 'terminals', 'list'],
    path: '/api/gps/terminals',
  });
  const disable = useSave<Terminal, Terminal>({
    mutationFn: (x) => api.delete<Terminal>(`/api/gps/terminals/${x.id}?version=${x.version}`),
    invalidate: gpsKey,
    refreshOnError: 'conflict',
    success: t('gps.terminals.disabled'),
  });

  const columns: ColumnsType<Terminal> = [
    {
      title: t('gps.field.terminalId'),
      dataIndex: 'terminalId',
      width: 200,
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    {
      title: t('gps.field.plate'),
      dataIndex: 'plate',
      render: (v: string | null, x) => (
        <Space size={4} wrap>
          <span data-testid="gps-terminal-plate">{v ?? '—'}</span>
          {x.generated && <Tag color="purple">{t('gps.terminals.generated')}</Tag>}
          {!x.enabled && <Tag>{t('gps.terminals.disabledTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('gps.field.kind'),
      dataIndex: 'kind',
      width: 140,
      render: (v: string) => terminalKindName(i18n.language, v),
    },
    { title: t('gps.field.org'), dataIndex: 'orgName', ellipsis: true },
    {
      title: t('gps.field.district'),
      dataIndex: 'districtCode',
      width: 100,
      render: (code: string | null) => (code ? <DivisionName code={code} /> : t('gps.terminals.cityLevel')),
    },
    {
      title: t('gps.terminals.online'),
      key: 'online',
      width: 90,
      render: (_, x) =>
        online(x) ? (
          <Tag color="green" data-testid="gps-terminal-online">
            {t('gps.terminals.isOnline')}
          </Tag>
        ) : (
          <Tag data-testid="gps-terminal-online">{t('gps.terminals.isOffline')}</Tag>
        ),
    },
    {
      title: t('gps.terminals.lastPosition'),
      key: 'last',
      width: 170,
      render: (_, x) => formatTime(x.lastPositionAt),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: canManage ? 200 : 90,
      render: (_, x) => (
        <Space size={0}>
          <Link to={`/gps/replay?terminal=${x.id}`}>
            <Button type="link" size="small" icon={<HistoryOutlined />}>
              {t('gps.live.replay')}
            </Button>
          </Link>
          {canManage && (
            <Button type="link" size="small" onClick={() => setDialog(x)} data-testid="gps-terminal-edit">
              {t('common.edit')}
            </Button>
          )}
          {canManage && x.enabled && (
            <Popconfirm title={t('gps.terminals.disableConfirm')} onConfirm={() => disable.mutate(x)}>
              <Button type="link" size="small" danger>
                {t('gps.terminals.disable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      testId="page-gps-terminals"
      title={t('gps.terminals.title')}
      extra={
        canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setDialog('create')}
            data-testid="gps-terminal-create"
          >
            {t('gps.terminals.create')}
          </Button>
        )
      }
    >
      <FilterBar<Filters>
        testId="gps-terminals-filter"
        searchTestId="gps-terminals-search"
        onApply={(v) => list.setFilters(cleanFilters(v))}
      >
        <Form.Item name="q">
          <Input allowClear placeholder={t('gps.terminals.search')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="kind" label={t('gps.field.kind')}>
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('common.all')}
            options={GPS_TERMINAL_KIND_CODES.map((k) => ({
              value: k,
              label: terminalKindName(i18n.language, k),
            }))}
          />
        </Form.Item>
        <Form.Item name="enabled" label={t('gps.terminals.enabled')}>
          <Select
            allowClear
            style={{ width: 110 }}
            placeholder={t('common.all')}
            options={[
              { value: true, label: t('gps.terminals.enabledYes') },
              { value: false, label: t('gps.terminals.disabledTag') },
            ]}
          />
        </Form.Item>
      </FilterBar>
      <Card>
        <PagedTable<Terminal>
          list={list}
          columns={columns}
          data-testid="gps-terminals-table"
          scroll={{ x: 1100 }}
        />
      </Card>
      {dialog && (
        <TerminalDialog
          terminal={dialog === 'create' ? undefined : dialog}
          onClose={() => setDialog(null)}
          onCreated={(d) => {
            setDialog(null);
            setCreated(d);
          }}
        />
      )}
      {created && (
        <Modal
          open
          title={t('gps.terminals.createdTitle')}
          onOk={() => setCreated(null)}
          onCancel={() => setCreated(null)}
          cancelButtonProps={{ style: { display: 'none' } }}
          okButtonProps={testIdProps<ButtonProps>('gps-terminal-created-ok')}
        >
          <Typography.Paragraph>{t('gps.terminals.authCodeHint')}</Typography.Paragraph>
          <Typography.Paragraph
            copyable={{ onCopy: () => void message.success(t('common.copied')) }}
            code
            data-testid="gps-terminal-auth-code"
          >
            {created.authCode}
          </Typography.Paragraph>
        </Modal>
      )}
    </PageContainer>
  );
}

function TerminalDialog({
  terminal,
  onClose,
  onCreated,
}: {
  terminal?: Terminal;
  onClose: () => void;
  onCreated: (d: TerminalDetail) => void;
}) {
  const { t, i18n } = useTranslation();
  const save = (v: Values) => {
    const body = {
      terminalId: v.terminalId.trim(),
      plate: v.plate?.trim() || null,
      plateColour: v.plateColour,
      kind: v.kind,
      ...(v.orgId ? { orgId: v.orgId } : {}),
      crs: v.crs,
      imei: v.imei?.trim() || null,
      enabled: v.enabled,
      note: v.note?.trim() || null,
    };
    if (terminal)
      return api.patch<Terminal>(`/api/gps/terminals/${terminal.id}`, { version: terminal.version, ...body });
    return api.post<TerminalDetail>('/api/gps/terminals', body);
  };
  return (
    <FormModal<Values, Terminal | TerminalDetail>
      title={terminal ? t('gps.terminals.editTitle') : t('gps.terminals.createTitle')}
      width={600}
      testId="gps-terminal-dialog"
      submitTestId="gps-terminal-submit"
      mutationFn={save}
      invalidate={gpsKey}
      refreshOnError="conflict"
      success={t('common.saved')}
      onClose={onClose}
      onSaved={(r) => ('authCode' in r ? onCreated(r) : onClose())}
      initialValues={
        terminal
          ? {
              terminalId: terminal.terminalId,
              plate: terminal.plate ?? '',
              plateColour: terminal.plateColour,
              kind: terminal.kind,
              orgId: terminal.orgId,
              crs: terminal.crs,
              imei: terminal.imei ?? '',
              enabled: terminal.enabled,
              note: terminal.note ?? '',
            }
          : { plateColour: 1, kind: 'enforcement_car', crs: 'wgs84', enabled: true }
      }
    >
      <Form.Item
        name="terminalId"
        label={t('gps.field.terminalId')}
        extra={t('gps.terminals.terminalIdHint')}
        rules={[
          { required: true, pattern: /^(\d{11,12}|\d{20})$/, message: t('gps.terminals.terminalIdRule') },
        ]}
      >
        <Input maxLength={20} data-testid="gps-terminal-phone" />
      </Form.Item>
      <Space.Compact block>
        <Form.Item name="plate" label={t('gps.field.plate')} style={{ flex: 1 }}>
          <Input maxLength={16} data-testid="gps-terminal-plate-input" />
        </Form.Item>
        <Form.Item
          name="plateColour"
          label={t('gps.field.plateColour')}
          style={{ width: 160, marginLeft: 12 }}
        >
          <Select
            options={PLATE_COLOURS.map((c) => ({
              value: c.code,
              label: i18n.language.startsWith('en') ? c.en : c.zh,
            }))}
          />
        </Form.Item>
      </Space.Compact>
      <Form.Item name="kind" label={t('gps.field.kind')} rules={[{ required: true }]}>
        <Select
          options={GPS_TERMINAL_KIND_CODES.map((k) => ({
            value: k,
            label: terminalKindName(i18n.language, k),
          }))}
          data-testid="gps-terminal-kind"
        />
      </Form.Item>
      <Form.Item name="orgId" label={t('gps.field.org')} extra={t('gps.terminals.orgHint')}>
        <OrgSelect allowClear />
      </Form.Item>
      <Form.Item name="crs" label={t('gps.field.crs')}>
        <Select
          options={[
            { value: 'wgs84', label: 'WGS84' },
            { value: 'gcj02', label: t('gps.terminals.gcj02') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="imei"
        label="IMEI"
        rules={[{ pattern: /^\d{14,16}$/, message: t('gps.terminals.imeiRule') }]}
      >
        <Input maxLength={16} />
      </Form.Item>
      <Form.Item name="enabled" label={t('gps.terminals.enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="note" label={t('gps.field.note')}>
        <Input.TextArea maxLength={500} rows={2} />
      </Form.Item>
    </FormModal>
  );
}
