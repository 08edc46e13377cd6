/**
 * The public status of a report (common/public-report.ts), in the words the public portal uses:
 * what a reporter who cannot open the case sees instead of the case's state.
 */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type PublicStatus, publicStatusLabel } from '../../../common/public-report.ts';

const COLOURS: Record<PublicStatus, string> = {
  submitted: 'blue',
  accepted: 'cyan',
  in_progress: 'gold',
  resolved: 'green',
  declined: 'default',
};

export function PublicStatusTag({
  status,
  testId = 'public-status',
}: {
  status: PublicStatus;
  testId?: string;
}) {
  const { i18n } = useTranslation();
  return (
    <Tag color={COLOURS[status]} data-testid={testId} data-status={status} style={{ marginInlineEnd: 0 }}>
      {publicStatusLabel(status, i18n.language || 'zh-CN')}
    </Tag>
  );
}
