/** Every photo of the case in one card, grouped by where it came from. */
import { Card, Empty } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../components/case/api';
import { PhotoThumbs } from '../../../components/case/Photos';
import { formatTime } from '../../../components/format';
import { eventLabel } from './CaseTimeline';

export function CasePhotos({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const groups = photoGroupsOf(detail, t);
  const count = groups.reduce((n, g) => n + g.ids.length, 0);
  return (
    <Card title={t('case.section.photos', { n: count })} size="small" style={{ marginBottom: 12 }}>
      {count ? (
        groups.map((g) => (
          <div key={g.key} style={{ marginBottom: 8 }}>
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)', marginBottom: 4 }}>{g.label}</div>
            <PhotoThumbs ids={g.ids} size={80} />
          </div>
        ))
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('case.noPhotos')} />
      )}
    </Card>
  );
}

/** Photos by where they came from: the reports, then each action that carried some (feedback, check…). */
function photoGroupsOf(d: CaseDetail, t: TFunction): { key: string; label: string; ids: string[] }[] {
  const groups: { key: string; label: string; ids: string[] }[] = [];
  const reported = [...new Set(d.reports.flatMap((r) => r.photos))];
  if (reported.length) groups.push({ key: 'reports', label: t('case.photosReported'), ids: reported });
  for (const e of d.timeline) {
    const ids = ((e.after as { input?: { photos?: string[] } } | null)?.input?.photos ?? []).filter(Boolean);
    if (ids.length)
      groups.push({
        key: String(e.id),
        label: `${eventLabel(t, e.action)} · ${formatTime(e.at).slice(5, 16)}`,
        ids,
      });
  }
  return groups;
}
