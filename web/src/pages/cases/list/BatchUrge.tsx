/**
 * Batch urging (批量督办) for supervisors: the selected rows are urged through the transition
 * table's `urge`, one by one on the server (POST /api/cases/batch-urge); the answer names every
 * case that could not be urged and why.
 */
import { BellOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, List, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isBlankText } from '../../../../../common/blank-text.ts';
import { api } from '../../../api/client';
import type { ApiResponse } from '../../../api/types';
import type { CaseSummary } from '../../../components/case/api';

type Result = ApiResponse<'/api/cases/batch-urge', 'post'>;

export function BatchUrge({ selected, onDone }: { selected: CaseSummary[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  // The cases as submitted: the list's selection is cleared once they are urged (onDone), and the
  // answer names its cases by id; the dialog keeps the count and shows each case's code.
  const [sent, setSent] = useState<CaseSummary[]>([]);
  const [form] = Form.useForm<{ reason: string }>();
  const urge = useMutation({
    mutationFn: ({ reason, cases }: { reason: string; cases: CaseSummary[] }) =>
      api.post<Result>('/api/cases/batch-urge', {
        reason,
        items: cases.map((c) => ({ id: c.id, version: c.version })),
      }),
    onSuccess: (r) => {
      void message.success(t('case.list.urgeResult', { urged: r.urged, refused: r.refused }));
      if (r.refused > 0) setResult(r);
      else setOpen(false);
      onDone();
    },
  });
  const shown = open && (result || urge.isPending) ? sent : selected;
  const codeOf = new Map(sent.map((c) => [c.id, c.code]));
  return (
    <>
      <Button
        icon={<BellOutlined />}
        disabled={selected.length === 0}
        onClick={() => {
          setResult(null);
          setOpen(true);
        }}
        data-testid="batch-urge"
      >
        {t('case.list.batchUrge')}
        {selected.length > 0 ? ` (${selected.length})` : ''}
      </Button>
      <Modal
        open={open}
        title={t('case.list.batchUrgeTitle', { n: shown.length })}
        onCancel={() => setOpen(false)}
        onOk={() =>
          result
            ? setOpen(false)
            : void form
                .validateFields()
                .then((v) => {
                  setSent(selected);
                  urge.mutate({ reason: v.reason.trim(), cases: selected });
                })
                // A blank reason: the form shows its message; nothing else to do.
                .catch(() => undefined)
        }
        confirmLoading={urge.isPending}
        destroyOnHidden
      >
        {result ? (
          <>
            <Alert
              type="warning"
              showIcon
              message={t('case.list.urgeResult', { urged: result.urged, refused: result.refused })}
            />
            <List
              size="small"
              header={t('case.list.urgeRefusedTitle')}
              dataSource={result.results.filter((r) => !r.ok)}
              renderItem={(r) => (
                <List.Item data-testid="urge-refused" data-case-id={r.id}>
                  <span style={{ fontVariantNumeric: 'tabular-nums' }}>{codeOf.get(r.id) ?? r.id}</span>
                  <span style={{ color: 'rgba(0,0,0,0.55)' }}>{r.error?.message}</span>
                </List.Item>
              )}
            />
          </>
        ) : (
          <Form form={form} layout="vertical" preserve={false}>
            <Form.Item
              name="reason"
              label={t('case.list.urgeReason')}
              rules={[
                {
                  required: true,
                  // Blank as the server sees it: spaces, or zero-width / format characters only.
                  validator: (_, v: string | undefined) =>
                    v && !isBlankText(v)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('case.list.urgeReasonRequired'))),
                },
              ]}
            >
              <Input.TextArea rows={3} maxLength={1000} data-testid="urge-reason" />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </>
  );
}
