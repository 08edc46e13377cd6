/**
 * The decisions on a post: 转为上报 (the type confirmed, the point — the post's place or one picked
 * on the map — with the open cases of that type nearby it may join), 驳回 (with the reason), and
 * 关联案件 (one of the open cases near the post's place, of the same family of types).
 */
import { useQuery } from '@tanstack/react-query';
import { App, Button, Empty, Form, Input, Modal, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useMatterTypeList } from '../../components/case/api';
import { StateTag } from '../../components/case/CaseBits';
import { DuplicatesCard, useDuplicates } from '../../components/case/Duplicates';
import { FormModal, useSave } from '../../components/FormModal';
import { CityMap, type LngLat } from '../../components/map/CityMap';
import type { Candidates, Post, PostReportResult } from './api';

interface ReportValues {
  matterCode?: string;
  description?: string;
  address?: string;
}

export function ReportDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const types = useMatterTypeList();
  const [point, setPoint] = useState<LngLat | null>(
    post.place ? { lng: post.place.lng, lat: post.place.lat } : null,
  );
  const matterCode = Form.useWatch('matterCode', form);
  const duplicates = useDuplicates(point, matterCode);
  const moved = !!post.place && !!point && (point.lng !== post.place.lng || point.lat !== post.place.lat);
  return (
    <FormModal<ReportValues, PostReportResult>
      title={t('opinion.reportTitle')}
      width={720}
      testId="opinion-report-form"
      submitTestId="opinion-report-submit"
      form={form}
      initialValues={{ matterCode: post.matterCode ?? undefined, address: post.place?.name }}
      invalidate={['opinion']}
      refreshOnError="conflict"
      onClose={onClose}
      mutationFn={(v) => {
        if (!point) throw new Error(t('opinion.pickPoint'));
        return api.post<PostReportResult>(`/api/opinion/posts/${post.id}/report`, {
          version: post.version,
          matterCode: v.matterCode || undefined,
          description: v.description?.trim() || undefined,
          address: v.address?.trim() || undefined,
          // The post's own place unless another point was picked.
          ...(post.place && !moved ? {} : { location: { lng: point.lng, lat: point.lat, crs: 'wgs84' } }),
        });
      }}
      onSaved={(res) => {
        void message.success(
          res.merged
            ? t('opinion.reportedMerged', { code: res.caseCode })
            : t('opinion.reported', { code: res.caseCode }),
        );
        onClose();
      }}
      intro={
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t('opinion.reportIntro')}
        </Typography.Paragraph>
      }
    >
      <Form.Item name="matterCode" label={t('intake.field.type')}>
        <Select
          allowClear
          showSearch={{
            filterOption: (input, o) =>
              String(o?.label ?? '')
                .toLowerCase()
                .includes(input.trim().toLowerCase()),
          }}
          loading={types.isLoading}
          placeholder={t('intake.typePlaceholder')}
          options={(types.data?.items ?? []).map((ty) => ({
            value: ty.code,
            label: `${ty.code} ${ty.name}`,
          }))}
          data-testid="opinion-report-type"
        />
      </Form.Item>
      <Form.Item name="address" label={t('intake.field.address')} rules={[{ max: 200 }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item
        name="description"
        label={t('intake.field.description')}
        extra={t('opinion.descriptionDefault')}
      >
        <Input.TextArea rows={3} maxLength={2000} showCount />
      </Form.Item>
      <Form.Item
        label={t('opinion.location')}
        required
        extra={post.place ? t('opinion.locationHint') : t('opinion.pickPoint')}
      >
        <CityMap
          marker={point}
          onPick={setPoint}
          draggable
          height={240}
          zoom={16}
          testId="opinion-report-map"
        />
      </Form.Item>
      <DuplicatesCard ready={!!point && !!matterCode} duplicates={duplicates} />
    </FormModal>
  );
}

export function DismissDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <FormModal<{ reason: string }, Post>
      title={t('opinion.dismissTitle')}
      testId="opinion-dismiss-form"
      submitTestId="opinion-dismiss-submit"
      danger
      invalidate={['opinion']}
      refreshOnError="conflict"
      success={t('opinion.dismissed')}
      onClose={onClose}
      mutationFn={(v) =>
        api.post<Post>(`/api/opinion/posts/${post.id}/dismiss`, {
          version: post.version,
          reason: v.reason.trim(),
        })
      }
    >
      <Form.Item
        name="reason"
        label={t('opinion.field.reason')}
        rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}
      >
        <Input.TextArea rows={3} maxLength={500} placeholder={t('opinion.reasonPlaceholder')} />
      </Form.Item>
    </FormModal>
  );
}

export function LinkDialog({ post, onClose }: { post: Post; onClose: () => void }) {
  const { t } = useTranslation();
  const candidates = useQuery({
    queryKey: ['opinion', 'candidates', post.id],
    queryFn: () => api.get<Candidates>(`/api/opinion/posts/${post.id}/candidates`),
  });
  const link = useSave({
    mutationFn: (caseId: string) =>
      api.post<Post>(`/api/opinion/posts/${post.id}/link`, { version: post.version, caseId }),
    invalidate: ['opinion'],
    refreshOnError: 'conflict',
    success: t('opinion.linked'),
    onSaved: onClose,
  });
  type Row = Candidates['items'][number];
  return (
    <Modal open title={t('opinion.linkTitle')} onCancel={onClose} footer={null} width={760} destroyOnHidden>
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {post.place
          ? t('opinion.linkIntro', { radius: candidates.data?.radiusM ?? '…', place: post.place.name })
          : t('opinion.linkNoPlace')}
      </Typography.Paragraph>
      <Table<Row>
        size="small"
        rowKey={(r) => r.case.id}
        loading={candidates.isFetching}
        dataSource={candidates.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('opinion.noCandidates')} /> }}
        data-testid="opinion-candidates"
        columns={[
          {
            title: t('case.col.code'),
            key: 'code',
            width: 190,
            render: (_, r) => (
              <Link to={`/cases/${r.case.id}`} target="_blank" style={{ fontFamily: 'monospace' }}>
                {r.case.code}
              </Link>
            ),
          },
          {
            title: t('case.col.state'),
            key: 'state',
            width: 110,
            render: (_, r) => <StateTag state={r.case.state} />,
          },
          {
            title: t('intake.distanceCol'),
            key: 'distance',
            width: 80,
            render: (_, r) => t('intake.distance', { m: r.distanceM }),
          },
          {
            title: t('case.field.description'),
            key: 'd',
            ellipsis: true,
            render: (_, r) => r.case.description,
          },
          {
            title: '',
            key: 'go',
            width: 80,
            render: (_, r) => (
              <Button
                size="small"
                type="primary"
                loading={link.isPending && link.variables === r.case.id}
                onClick={() => link.mutate(r.case.id)}
                data-testid="opinion-link-case"
              >
                {t('opinion.action.linkThis')}
              </Button>
            ),
          },
        ]}
      />
    </Modal>
  );
}
