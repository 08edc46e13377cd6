import { CloseOutlined, FormOutlined } from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Spin, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api/client';
import { useMe } from '../../api/queries';
import { LightBadge, StateTag } from '../../components/case/CaseBits';
import { useMatterTypes } from '../catalog/api';
import {
  type ComponentDto,
  type DivisionDetail,
  fetchComponent,
  fetchComponentCases,
  fetchDivision,
  fetchGrid,
  type GridDetail,
  type Resolution,
} from './api';
import { AREA_CLASS_COLORS, COMPONENT_MAJOR_COLORS } from './style';

export interface Selection {
  kind: 'grid' | 'component' | 'division';
  id: string;
  /** Fly the map to it (after a search), or leave the view as it is (after a click). */
  fly: boolean;
}

type Detail = GridDetail | ComponentDto | DivisionDetail;

/** The query that loads a selection's detail; the map and the panel share it through the cache. */
export function selectionQuery(sel: Selection | null) {
  const kind = sel?.kind ?? 'none';
  const id = sel?.id ?? '';
  return {
    queryKey: kind === 'component' ? ['components', id] : ['geo', kind, id],
    queryFn: (): Promise<Detail> =>
      kind === 'grid' ? fetchGrid(id) : kind === 'component' ? fetchComponent(id) : fetchDivision(id),
    staleTime: 30_000,
  };
}

/** Matter types a grid panel asks "who is responsible here?" for: the everyday ones. */
export const COMMON_MATTERS = ['06010', '06013', '01001', '01005', '04002', '07001'];

const LABEL_STYLE = { width: 104, whiteSpace: 'nowrap' as const };
const fmtCoord = (v: number) => v.toFixed(6);

export function SelectionPanel({
  selection,
  onClose,
  onSelectGrid,
}: {
  selection: Selection;
  onClose: () => void;
  onSelectGrid: (id: string) => void;
}) {
  const { t } = useTranslation();
  const q = useQuery(selectionQuery(selection));
  let body: ReactNode;
  if (q.isPending) body = <Spin />;
  else if (q.isError) body = <Alert type="error" showIcon title={q.error.message} />;
  else if (selection.kind === 'grid') body = <GridBody grid={q.data as GridDetail} />;
  else if (selection.kind === 'component')
    body = (
      <>
        <ComponentBody c={q.data as ComponentDto} onSelectGrid={onSelectGrid} />
        <ComponentCases c={q.data as ComponentDto} />
      </>
    );
  else body = <DivisionBody d={q.data as DivisionDetail} />;
  return (
    <Card
      size="small"
      title={t(`map.panel.${selection.kind}`)}
      extra={
        <Button
          type="text"
          size="small"
          icon={<CloseOutlined />}
          onClick={onClose}
          data-testid="map-panel-close"
        />
      }
      style={{
        position: 'absolute',
        top: 12,
        right: 12,
        width: 390,
        maxHeight: 'calc(100% - 24px)',
        overflow: 'auto',
        boxShadow: '0 2px 8px rgba(0,0,0,0.15)',
        zIndex: 2,
      }}
      data-testid={`map-panel-${selection.kind}`}
    >
      {body}
    </Card>
  );
}

function AreaClassTag({ c }: { c: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={AREA_CLASS_COLORS[c as 'A' | 'B' | 'C']} data-testid="map-panel-area-class">
      {c} · {t(`map.areaClasses.${c}`)}
    </Tag>
  );
}

function NameCode({ name, code }: { name: string; code: string }) {
  return (
    <span>
      {name} <Typography.Text type="secondary">{code}</Typography.Text>
    </span>
  );
}

function GridBody({ grid }: { grid: GridDetail }) {
  const { t } = useTranslation();
  return (
    <>
      <Descriptions size="small" column={1} bordered styles={{ label: LABEL_STYLE }}>
        <Descriptions.Item label={t('map.panel.gridId')}>
          <Typography.Text strong copyable data-testid="map-panel-grid-id">
            {grid.id}
          </Typography.Text>
          {grid.legacyId && (
            <div>
              <Typography.Text type="secondary">
                {t('map.panel.legacyId')} {grid.legacyId}
              </Typography.Text>
            </div>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('map.panel.areaClass')}>
          <AreaClassTag c={grid.areaClass} />
        </Descriptions.Item>
        <Descriptions.Item label={t('map.levels.community')}>
          <span data-testid="map-panel-community">
            <NameCode {...grid.chain.community} />
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('map.levels.township')}>
          <NameCode {...grid.chain.township} />
        </Descriptions.Item>
        <Descriptions.Item label={t('map.levels.district')}>
          <NameCode {...grid.chain.district} />
        </Descriptions.Item>
        <Descriptions.Item label={t('map.panel.centroid')}>
          {fmtCoord(grid.centroid.lng)}, {fmtCoord(grid.centroid.lat)}{' '}
          <Typography.Text type="secondary">WGS84</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('map.panel.area')}>
          {Math.round(grid.areaM2).toLocaleString()} m²
        </Descriptions.Item>
        <Descriptions.Item label={t('map.panel.source')}>
          {grid.generated ? <Tag color="orange">{t('map.panel.generated')}</Tag> : grid.source}
        </Descriptions.Item>
      </Descriptions>
      <Responsible gridId={grid.id} />
    </>
  );
}

/** "Who is responsible here?" for a few everyday matter types (GET /api/routing/resolve). */
function Responsible({ gridId }: { gridId: string }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canRoute = me?.permissions.includes('routing:read') ?? false;
  const types = useMatterTypes();
  const names = new Map((types.data?.items ?? []).map((m) => [m.code, m.name]));
  const resolve = (matterCode: string, enabled: boolean) => ({
    queryKey: ['routing', 'resolve', matterCode, gridId],
    queryFn: () => api.get<Resolution>('/api/routing/resolve', { matterCode, gridId }),
    enabled,
    staleTime: 30_000,
  });
  // The first matter asks alone: when the grid is another district's (403 OUTSIDE_DISTRICT, the
  // same for every matter) the others are never asked, so one click makes one refused request.
  const [firstMatter, ...otherMatters] = COMMON_MATTERS;
  const first = useQuery(resolve(firstMatter, canRoute));
  const outside = first.error instanceof ApiError && first.error.code === 'OUTSIDE_DISTRICT';
  const others = useQueries({
    queries: otherMatters.map((m) => resolve(m, canRoute && !first.isPending && !outside)),
  });
  const results = [first, ...others];
  if (!canRoute) return null;
  // Another district's grid: its routing is that district's business (403 OUTSIDE_DISTRICT), so
  // say so once instead of "cannot determine" on every row.
  if (outside) {
    return (
      <div style={{ marginTop: 12 }}>
        <Typography.Text strong>{t('map.panel.responsible')}</Typography.Text>
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 6 }}
          data-testid="map-panel-outside-district"
          title={t('map.panel.outsideDistrict')}
          description={t('map.panel.outsideDistrictHint')}
        />
      </div>
    );
  }
  const rows = COMMON_MATTERS.map((code, i) => ({ code, r: results[i] }));
  return (
    <div style={{ marginTop: 12 }}>
      <Typography.Text strong>{t('map.panel.responsible')}</Typography.Text>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        style={{ marginTop: 6 }}
        data-testid="map-panel-responsible"
        dataSource={rows}
        columns={[
          {
            title: t('map.panel.matter'),
            key: 'matter',
            width: 130,
            render: (_, row) => (
              <span>
                {names.get(row.code) ?? row.code}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                    {row.code}
                  </Typography.Text>
                </div>
              </span>
            ),
          },
          {
            title: t('map.panel.unit'),
            key: 'unit',
            render: (_, row) => {
              if (row.r.isPending) return <Spin size="small" />;
              if (row.r.isError)
                return <Typography.Text type="secondary">{t('map.panel.noUnit')}</Typography.Text>;
              const res = row.r.data;
              return (
                <span data-testid={`map-panel-unit-${row.code}`}>
                  {res.unit.name}
                  <div>
                    <Tag style={{ fontSize: 11, marginTop: 2 }}>
                      {t(`routing.areaLevels.${res.specificity.area}`)} ·{' '}
                      {t(`routing.typeLevels.${res.specificity.type}`)}
                    </Tag>
                  </div>
                </span>
              );
            },
          },
        ]}
      />
    </div>
  );
}

function ComponentBody({ c, onSelectGrid }: { c: ComponentDto; onSelectGrid: (id: string) => void }) {
  const { t } = useTranslation();
  const major = c.typeCode.slice(0, 2);
  const stateColor: Record<string, string> = {
    intact: 'green',
    damaged: 'red',
    lost: 'default',
    abandoned: 'gold',
    removed: 'default',
  };
  return (
    <Descriptions size="small" column={1} bordered styles={{ label: LABEL_STYLE }}>
      <Descriptions.Item label={t('map.panel.componentId')}>
        <Typography.Text strong copyable data-testid="map-panel-component-id">
          {c.id}
        </Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.type')}>
        <Tag color={COMPONENT_MAJOR_COLORS[major]}>{c.typeCode}</Tag>
        {c.typeName ?? ''}
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`map.majors.${major}`, { defaultValue: major })}
          </Typography.Text>
        </div>
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.name')}>{c.name}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.state')}>
        <Tag color={stateColor[c.state]} data-testid="map-panel-component-state">
          {t(`map.states.${c.state}`)}
        </Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.ownerDept')}>{c.ownerDept ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.propertyDept')}>{c.propertyDept ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.maintainerDept')}>{c.maintainerDept ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.inGrid')}>
        {c.gridId ? (
          <Button
            type="link"
            size="small"
            style={{ padding: 0 }}
            onClick={() => onSelectGrid(c.gridId as string)}
            data-testid="map-panel-component-grid"
          >
            {c.gridId}
          </Button>
        ) : (
          '—'
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.location')}>
        {fmtCoord(c.lng)}, {fmtCoord(c.lat)} <Typography.Text type="secondary">WGS84</Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.installedAt')}>{c.installedAt ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.surveyedAt')}>{c.surveyedAt ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('map.panel.source')}>{c.source}</Descriptions.Item>
    </Descriptions>
  );
}

function DivisionBody({ d }: { d: DivisionDetail }) {
  const { t } = useTranslation();
  const parents = d.chain.filter((c) => c.code !== d.code);
  return (
    <Descriptions size="small" column={1} bordered styles={{ label: LABEL_STYLE }}>
      <Descriptions.Item label={t('map.panel.name')}>
        <Typography.Text strong data-testid="map-panel-division-name">
          {d.name}
        </Typography.Text>{' '}
        <Tag>{t(`map.levels.${d.level}`)}</Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t('map.panel.code')}>
        <Typography.Text copyable>{d.code}</Typography.Text>
      </Descriptions.Item>
      {parents.map((p) => (
        <Descriptions.Item key={p.code} label={t(`map.levels.${p.level}`, { defaultValue: p.level })}>
          <NameCode name={p.name} code={p.code} />
        </Descriptions.Item>
      ))}
      {d.level !== 'community' && (
        <Descriptions.Item label={t('map.panel.children')}>{d.children}</Descriptions.Item>
      )}
      {d.level === 'community' && (
        <Descriptions.Item label={t('map.panel.grids')}>{d.grids}</Descriptions.Item>
      )}
      <Descriptions.Item label={t('map.panel.source')}>
        {d.generated ? <Tag color="orange">{t('map.panel.generated')}</Tag> : d.source}
      </Descriptions.Item>
    </Descriptions>
  );
}

/**
 * Under a component: "report on this component" (the intake page with the component and its point
 * filled in) for those who report, and the cases reported on it for those who read cases.
 */
function ComponentCases({ c }: { c: ComponentDto }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canReport = me?.permissions.includes('case:report') ?? false;
  const canRead = me?.permissions.includes('case:read') ?? false;
  const cases = useQuery({
    queryKey: ['cases', 'component', c.id],
    queryFn: () => fetchComponentCases(c.id),
    enabled: canRead,
    staleTime: 30_000,
  });
  const intake = `/intake?${new URLSearchParams({ componentId: c.id, lng: String(c.lng), lat: String(c.lat) })}`;
  return (
    <div style={{ marginTop: 12 }}>
      {canReport && (
        <Link to={intake} data-testid="map-panel-report-component">
          <Button type="primary" size="small" icon={<FormOutlined />}>
            {t('map.panel.reportComponent')}
          </Button>
        </Link>
      )}
      {canRead && (
        <div style={{ marginTop: 12 }}>
          <Typography.Text strong>{t('map.panel.componentCases')}</Typography.Text>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            style={{ marginTop: 6 }}
            loading={cases.isPending}
            data-testid="map-panel-component-cases"
            dataSource={cases.data?.items ?? []}
            locale={{ emptyText: t('map.panel.noComponentCases') }}
            columns={[
              {
                title: t('case.col.code'),
                key: 'code',
                render: (_, row) => <Link to={`/cases/${row.id}`}>{row.code}</Link>,
              },
              {
                title: t('case.col.state'),
                key: 'state',
                render: (_, row) => <StateTag state={row.state} testId="map-panel-component-case-state" />,
              },
              { title: '', key: 'light', width: 28, render: (_, row) => <LightBadge light={row.light} /> },
            ]}
          />
        </div>
      )}
    </div>
  );
}
