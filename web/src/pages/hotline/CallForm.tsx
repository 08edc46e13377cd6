/**
 * Recording the call the operator took: what it was (咨询 / 投诉 / 建议 / 反映问题), the caller's
 * name if given, the answer from the knowledge base for an enquiry, the words of a complaint or a
 * suggestion, the report for a problem — and finishing it (办结).
 */
import { CheckCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CALL_KINDS, type CallKind } from '../../../../common/hotline.ts';
import { api } from '../../api/client';
import { useSave } from '../../components/FormModal';
import type { CallReportResult, HotlineCall, KnowledgeEntry } from './api';
import { CallReport, CallReported } from './CallReport';
import { KnowledgeSearch } from './KnowledgeSearch';

export function CallForm({ call, onFinished }: { call: HotlineCall; onFinished: (c: HotlineCall) => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<CallKind>(call.case ? 'report' : 'enquiry');
  const [entry, setEntry] = useState<KnowledgeEntry | null>(null);
  const [note, setNote] = useState('');
  const [callerName, setCallerName] = useState(call.callerName ?? '');
  const [reported, setReported] = useState<CallReportResult | null>(null);
  const current = reported?.call ?? call;
  const finish = useSave({
    mutationFn: () =>
      api.post<HotlineCall>(`/api/hotline/calls/${call.id}/finish`, {
        version: current.version,
        kind,
        note: note.trim() || undefined,
        callerName: callerName.trim() || undefined,
        knowledgeEntryId: kind === 'enquiry' ? entry?.id : undefined,
      }),
    success: t('hotline.finished'),
    invalidate: ['hotline'],
    onSaved: onFinished,
  });
  const hasReport = !!current.reportId;
  const ready =
    kind === 'report' ? hasReport : kind === 'enquiry' ? !!entry || note.trim() !== '' : note.trim() !== '';
  return (
    <Card
      size="small"
      title={t('hotline.form.title')}
      style={{ marginBottom: 12 }}
      data-testid="hotline-call-form"
    >
      {/* No <form> of its own: the report form inside is one. */}
      <Form layout="vertical" component={false}>
        <Form.Item label={t('hotline.field.kind')}>
          <Segmented<CallKind>
            value={kind}
            onChange={(k) => setKind(k)}
            disabled={hasReport}
            options={CALL_KINDS.map((k) => ({ value: k, label: t(`hotline.kind.${k}`) }))}
            data-testid="hotline-kind"
          />
        </Form.Item>
        <Form.Item label={t('hotline.field.callerName')}>
          <Input
            value={callerName}
            maxLength={50}
            onChange={(e) => setCallerName(e.target.value)}
            placeholder={t('hotline.form.callerNamePlaceholder')}
            style={{ maxWidth: 240 }}
            data-testid="hotline-caller-name"
          />
        </Form.Item>
        {kind === 'enquiry' && (
          <Form.Item label={t('hotline.kb.title')}>
            <KnowledgeSearch chosen={entry} onChoose={setEntry} />
          </Form.Item>
        )}
        {kind === 'report' &&
          (hasReport ? (
            <CallReported call={current} result={reported?.report ?? null} />
          ) : (
            <CallReport call={current} callerName={callerName} onReported={setReported} />
          ))}
        <Form.Item
          label={kind === 'enquiry' ? t('hotline.form.answerNote') : t('hotline.form.note')}
          required={kind === 'complaint' || kind === 'suggestion'}
          style={{ marginTop: 12 }}
        >
          <Input.TextArea
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t(`hotline.form.notePlaceholder.${kind}`)}
            data-testid="hotline-note"
          />
        </Form.Item>
        {kind === 'report' && !hasReport && (
          <Alert type="info" showIcon title={t('hotline.form.reportFirst')} style={{ marginBottom: 8 }} />
        )}
        <Space>
          <Button
            type="primary"
            icon={<CheckCircleOutlined />}
            disabled={!ready}
            loading={finish.isPending}
            onClick={() => finish.mutate(undefined)}
            data-testid="hotline-finish"
          >
            {t('hotline.form.finish')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
