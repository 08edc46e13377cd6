/**
 * 考核排名公示: the published rankings of the districts and of the units (协同单位), period by
 * period — rank, name, score, grade and movement against the previous period; a tap on a line
 * shows its item scores. Only what a city leader published is here (the server answers the newest
 * published version of a period); drafts, posts and grids never reach the public.
 *
 * The indicators' names come from the locale files (portal.rankings.indicator.*): the staff's
 * indicator list needs a login, which the portal does not have.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Segmented, Spin, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatChina } from '../../components/china-time';
import { currentLocale } from '../../i18n';
import { type PublicRankingLine, portalApi, type RankingSubjectType } from '../api';
import { periodLabel } from '../periods';

/** The grade tags' colours: A best (green) … E worst (red). */
const GRADE_COLOR: Record<string, string> = {
  A: 'green',
  B: 'cyan',
  C: 'gold',
  D: 'orange',
  E: 'red',
};

/** ↑2 (green), ↓1 (red), = (grey), or — without a previous rank. */
function Movement({ line }: { line: PublicRankingLine }) {
  const { t } = useTranslation();
  const m = line.movement;
  if (m === null || line.previousRank === null)
    return (
      <span
        className="p-move p-move-none"
        data-testid="p-rank-move"
        data-move="none"
        title={t('portal.rankings.moveNone')}
      >
        —
      </span>
    );
  const kind = m > 0 ? 'up' : m < 0 ? 'down' : 'same';
  const label =
    kind === 'up'
      ? t('portal.rankings.moveUp', { n: m })
      : kind === 'down'
        ? t('portal.rankings.moveDown', { n: -m })
        : t('portal.rankings.moveSame');
  return (
    <span
      className={`p-move p-move-${kind}`}
      data-testid="p-rank-move"
      data-move={m}
      title={label}
      role="img"
      aria-label={label}
    >
      {kind === 'up' ? `↑${m}` : kind === 'down' ? `↓${-m}` : '='}
    </span>
  );
}

/** Keys for a line's items: a template may score one indicator twice (by bands and as a rate). */
function itemRows(items: PublicRankingLine['items']) {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const n = (seen.get(it.indicator) ?? 0) + 1;
    seen.set(it.indicator, n);
    return { ...it, key: `${it.indicator}:${n}` };
  });
}

const fmt = (n: number | null) => (n === null ? '—' : n.toFixed(1));

export function RankingsPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const [type, setType] = useState<RankingSubjectType>('district');
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);

  const q = useQuery({
    queryKey: ['portal', 'rankings', type, from ?? 'newest'],
    queryFn: () => portalApi.rankings(type, from),
    staleTime: 60_000,
    retry: false,
    placeholderData: (prev) => (prev?.subjectType === type ? prev : undefined),
  });
  const data = q.data;
  const ranking = data?.ranking ?? null;
  const indicatorName = (key: string) => t(`portal.rankings.indicator.${key}`, { defaultValue: key });

  return (
    <div data-testid="p-rankings">
      <div className="p-page-head">
        <h1>{t('portal.rankings.title')}</h1>
        <p className="p-muted p-rank-intro">{t('portal.rankings.intro')}</p>
      </div>
      <div className="p-rank-tabs">
        <Segmented<RankingSubjectType>
          block
          value={type}
          onChange={(v) => {
            // Each kind of subject has its own published periods: start again from its newest.
            setType(v);
            setFrom(undefined);
            setOpen(null);
          }}
          options={(['district', 'unit'] as const).map((v) => ({
            value: v,
            label: <span data-testid={`p-rank-tab-${v}`}>{t(`portal.rankings.tab.${v}`)}</span>,
          }))}
          data-testid="p-rank-tabs"
        />
      </div>
      {q.isPending && (
        <div className="p-center">
          <Spin />
        </div>
      )}
      {q.error && <Alert type="error" showIcon className="p-alert" role="alert" title={q.error.message} />}
      {data && !ranking && (
        <section className="p-card p-rank-empty" data-testid="p-rank-empty">
          <p>{t('portal.rankings.empty')}</p>
          <p className="p-muted">{t('portal.rankings.emptyHint')}</p>
        </section>
      )}
      {data && ranking && (
        <section
          className="p-card"
          data-testid="p-rank-table"
          data-type={data.subjectType}
          data-from={ranking.from}
          data-count={ranking.lines.length}
        >
          <label className="p-rank-period">
            <span className="p-label">{t('portal.rankings.period')}</span>
            <select
              value={ranking.from}
              onChange={(e) => {
                setFrom(e.target.value);
                setOpen(null);
              }}
              data-testid="p-rank-period"
            >
              {data.periods.map((p) => (
                <option key={`${p.from}/${p.to}`} value={p.from}>
                  {periodLabel(p.from, p.to, locale)}
                </option>
              ))}
            </select>
          </label>
          <p className="p-muted" data-testid="p-rank-published">
            {t('portal.rankings.published', { at: formatChina(ranking.publishedAt, 'YYYY-MM-DD') })}
            {ranking.version > 1 ? ` · ${t('portal.rankings.version', { n: ranking.version })}` : ''}
          </p>
          {ranking.lines.length === 0 ? (
            <p className="p-rank-none" data-testid="p-rank-none">
              {t('portal.rankings.none')}
            </p>
          ) : (
            <div className="p-rank-head" aria-hidden>
              <span>{t('portal.rankings.col.rank')}</span>
              <span>{t(`portal.rankings.col.${data.subjectType}`)}</span>
              <span>{t('portal.rankings.col.score')}</span>
              <span>{t('portal.rankings.col.grade')}</span>
              <span>{t('portal.rankings.col.move')}</span>
            </div>
          )}
          <ul className="p-list p-rank-list">
            {ranking.lines.map((l, i) => {
              const key = `${i}:${l.label}`;
              const expanded = open === key;
              return (
                <li key={key}>
                  <button
                    type="button"
                    className={`p-rank-line ${expanded ? 'active' : ''}`}
                    onClick={() => setOpen(expanded ? null : key)}
                    aria-expanded={expanded}
                    data-testid="p-rank-line"
                    data-label={l.label}
                    data-rank={l.rank ?? ''}
                    data-grade={l.grade ?? ''}
                  >
                    <span className={`p-rank-no ${l.rank !== null && l.rank <= 3 ? `top${l.rank}` : ''}`}>
                      {l.rank ?? '—'}
                    </span>
                    <span className="p-rank-name">{l.label}</span>
                    <span className="p-rank-score">{fmt(l.score)}</span>
                    <span>
                      {l.grade ? (
                        <Tag color={GRADE_COLOR[l.grade]} className="p-grade" data-testid="p-rank-grade">
                          {l.grade}
                        </Tag>
                      ) : (
                        <span className="p-muted">—</span>
                      )}
                    </span>
                    <Movement line={l} />
                  </button>
                  {expanded && (
                    <div className="p-rank-items" data-testid="p-rank-items">
                      {l.score === null && <p className="p-muted">{t('portal.rankings.unscored')}</p>}
                      <table>
                        <thead>
                          <tr>
                            <th>{t('portal.rankings.item.indicator')}</th>
                            <th>{t('portal.rankings.item.weight')}</th>
                            <th>{t('portal.rankings.item.score')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {itemRows(l.items).map((it) => (
                            <tr key={it.key} data-testid="p-rank-item" data-indicator={it.indicator}>
                              <td>{indicatorName(it.indicator)}</td>
                              <td>{`${it.weight}%`}</td>
                              <td>{fmt(it.score)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
          <p className="p-muted">{t('portal.rankings.note')}</p>
        </section>
      )}
    </div>
  );
}
