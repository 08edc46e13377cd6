/**
 * The actions the caller may take on the case now: one button per entry of the server's
 * `actions` (GET /api/cases/:id), never derived from roles here. Each opens a form with exactly
 * the fields that action requires (ActionDialog); the submit carries the case `version` (optimistic
 * concurrency).
 */
import { Button, Empty, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DANGER_ACTIONS, SIDE_ACTIONS } from '../../../../common/workflow.ts';
import { useSuggestions } from '../suggest/useSuggestions';
import { ActionDialog } from './ActionDialog';
import type { AvailableAction, CaseDetail } from './api';
import { actionLabel } from './CaseBits';

/** Danger buttons and side actions, as the transition table declares them (tone, placement). */
const DANGER = DANGER_ACTIONS;
const SIDE = SIDE_ACTIONS;

export function ActionPanel({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const { t } = useTranslation();
  // The version the user saw when opening the form is the one the action names: a change by
  // someone else meanwhile (live refresh) ends in 409 CONFLICT rather than acting on a case
  // the user has not seen.
  const [open, setOpen] = useState<{ action: AvailableAction; version: number } | null>(null);
  // An untyped case's words are classified as the page opens, so a form that asks for the type
  // (accept, file) opens with the classifier's answer already there (the same query, cached).
  const needsType =
    !detail.case.matterCode &&
    detail.actions.some((a) => (a.fields as readonly string[]).includes('matterType'));
  useSuggestions(detail.case.description, detail.case.location, { enabled: needsType, debounceMs: 0 });
  const main = detail.actions.filter((a) => !SIDE.has(a.action));
  const side = detail.actions.filter((a) => SIDE.has(a.action));
  if (detail.actions.length === 0) {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t('case.noActions')}
        data-testid="case-no-actions"
      />
    );
  }
  const button = (a: AvailableAction, primary: boolean) => (
    <Button
      key={a.action}
      type={primary && !DANGER.has(a.action) ? 'primary' : 'default'}
      danger={DANGER.has(a.action)}
      onClick={() => setOpen({ action: a, version: detail.case.version })}
      data-testid={`action-${a.action}`}
      block
    >
      {actionLabel(t, a.action)}
    </Button>
  );
  return (
    <div data-testid="case-actions">
      <Space orientation="vertical" style={{ width: '100%' }} size={8}>
        {main.map((a) => button(a, true))}
        {side.length > 0 && main.length > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('case.sideActions')}
          </Typography.Text>
        )}
        <Space wrap size={8}>
          {side.map((a) => (
            <Button
              key={a.action}
              size="small"
              danger={DANGER.has(a.action)}
              onClick={() => setOpen({ action: a, version: detail.case.version })}
              data-testid={`action-${a.action}`}
            >
              {actionLabel(t, a.action)}
            </Button>
          ))}
        </Space>
      </Space>
      {open && (
        <ActionDialog
          key={`${open.action.action}-${open.version}`}
          action={open.action}
          version={open.version}
          c={detail.case}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onDone();
          }}
        />
      )}
    </div>
  );
}
