/**
 * 底图 (city administrators): which base map every map of the platform draws under its layers —
 * none, the one generated from the city's own layers, an uploaded offline archive (.pmtiles), or
 * 天地图 / another WGS84 tile service where the deployment has internet — the archives with
 * their upload (with progress) and deletion, and a preview map.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { CityMap } from '../../components/map/CityMap';
import { PageContainer } from '../../components/PageContainer';
import { ArchivesCard } from './ArchivesCard';
import {
  type BaseMapSettings,
  type ChoicePut,
  fetchArchiveStyle,
  fetchSettings,
  putChoice,
  regenerate,
} from './api';

type Kind = ChoicePut['kind'];
type XyzCrs = NonNullable<ChoicePut['xyz']>['crs'];

/** Kinds whose tiles come from the internet: the page must be reloaded for the browser to allow them. */
const REMOTE: Kind[] = ['tianditu', 'xyz'];

export function BaseMapPage() {
  const { t } = useTranslation();
  const settings = useQuery({ queryKey: ['basemap', 'settings'], queryFn: fetchSettings });
  return (
    <PageContainer testId="page-basemap" title={t('basemap.title')}>
      <Typography.Paragraph type="secondary">{t('basemap.intro')}</Typography.Paragraph>
      {settings.isPending && <Spin />}
      {settings.error && <Alert type="error" showIcon title={(settings.error as Error).message} />}
      {settings.data && <Body settings={settings.data} />}
    </PageContainer>
  );
}

function Body({ settings }: { settings: BaseMapSettings }) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<string | null>(null);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={11}>
        <ChoiceCard settings={settings} />
      </Col>
      <Col xs={24} xl={13}>
        <Card
          title={
            preview
              ? t('basemap.previewArchive', {
                  name: settings.archives.find((a) => a.id === preview)?.name ?? '',
                })
              : t('basemap.previewActive')
          }
          extra={
            preview && (
              <Button size="small" onClick={() => setPreview(null)} data-testid="basemap-preview-active">
                {t('basemap.showActive')}
              </Button>
            )
          }
        >
          <Preview archiveId={preview} />
        </Card>
      </Col>
      <Col span={24}>
        <ArchivesCard settings={settings} preview={preview} onPreview={setPreview} />
      </Col>
    </Row>
  );
}

/** The map with the active base map, or with the archive being previewed. */
function Preview({ archiveId }: { archiveId: string | null }) {
  const style = useQuery({
    queryKey: ['basemap', 'archive-style', archiveId],
    queryFn: () => fetchArchiveStyle(archiveId as string),
    enabled: !!archiveId,
  });
  if (!archiveId) return <CityMap height={420} testId="basemap-preview" components={false} />;
  if (!style.data) return <Spin />;
  return (
    <CityMap
      key={archiveId}
      height={420}
      testId="basemap-preview"
      baseMap={{ style: style.data, kind: 'archive' }}
    />
  );
}

function ChoiceCard({ settings }: { settings: BaseMapSettings }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const c = settings.choice;
  const uploads = settings.archives.filter((a) => a.origin === 'upload');
  const generated = settings.archives.find((a) => a.id === settings.generated.archiveId);
  const [kind, setKind] = useState<Kind>(c.kind);
  const [archiveId, setArchiveId] = useState<string | undefined>(c.archiveId ?? uploads[0]?.id);
  const [layer, setLayer] = useState(c.tianditu.layer);
  const [key, setKey] = useState('');
  const [xyz, setXyz] = useState({
    url: c.xyz?.url ?? '',
    crs: (c.xyz?.crs ?? 'wgs84') as XyzCrs,
    maxZoom: c.xyz?.maxZoom ?? 18,
    attribution: c.xyz?.attribution ?? '',
  });
  const [reloadNeeded, setReloadNeeded] = useState(false);
  useEffect(() => setKind(c.kind), [c.kind]);

  const save = useMutation({
    mutationFn: () =>
      putChoice({
        kind,
        version: c.version,
        ...(kind === 'archive' ? { archiveId } : {}),
        ...(kind === 'tianditu' ? { tianditu: { layer, ...(key.trim() ? { key: key.trim() } : {}) } } : {}),
        ...(kind === 'xyz'
          ? {
              xyz: {
                url: xyz.url.trim(),
                crs: xyz.crs,
                maxZoom: xyz.maxZoom,
                ...(xyz.attribution.trim() ? { attribution: xyz.attribution.trim() } : {}),
              },
            }
          : {}),
      }),
    onSuccess: (saved) => {
      setKey('');
      void message.success(t('basemap.saved'));
      // Online tiles need this page's security policy to allow their hosts: a reload brings it.
      setReloadNeeded(REMOTE.includes(saved.kind) || REMOTE.includes(c.kind));
      void qc.invalidateQueries({ queryKey: ['basemap'] });
    },
    onError: (e) => void message.error(isApiError(e) ? e.message : String(e)),
  });
  const regen = useMutation({
    mutationFn: regenerate,
    onSuccess: () => {
      void message.success(t('basemap.regenerated'));
      void qc.invalidateQueries({ queryKey: ['basemap'] });
    },
    onError: (e) => void message.error(isApiError(e) ? e.message : String(e)),
  });

  const option = (k: Kind, extra?: React.ReactNode) => (
    <Radio value={k} data-testid={`basemap-kind-${k}`}>
      <Space size={4} wrap>
        {t(`basemap.kind.${k}`)}
        {extra}
      </Space>
    </Radio>
  );

  return (
    <Card title={t('basemap.choice')} data-testid="basemap-choice">
      <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} style={{ width: '100%' }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {option('none')}
          {option('generated', generated?.demo ? <Tag color="orange">{t('basemap.demoTag')}</Tag> : null)}
          {kind === 'generated' && (
            <div style={{ marginLeft: 24 }}>
              <Typography.Text type="secondary">{t('basemap.generatedHelp')}</Typography.Text>
              <div style={{ marginTop: 6 }}>
                <Space wrap>
                  {settings.generated.stale && <Tag color="warning">{t('basemap.stale')}</Tag>}
                  <Button
                    size="small"
                    icon={<ReloadOutlined />}
                    loading={regen.isPending}
                    onClick={() => regen.mutate()}
                    data-testid="basemap-regenerate"
                  >
                    {t('basemap.regenerate')}
                  </Button>
                </Space>
              </div>
            </div>
          )}
          {option('archive')}
          {kind === 'archive' && (
            <Select
              style={{ marginLeft: 24, width: 'calc(100% - 24px)' }}
              value={archiveId}
              onChange={setArchiveId}
              placeholder={t('basemap.pickArchive')}
              notFoundContent={t('basemap.noUploads')}
              options={uploads.map((a) => ({ value: a.id, label: a.name }))}
              data-testid="basemap-archive-select"
            />
          )}
          {option('tianditu')}
          {kind === 'tianditu' && (
            <Space orientation="vertical" style={{ marginLeft: 24, width: 'calc(100% - 24px)' }}>
              <Radio.Group value={layer} onChange={(e) => setLayer(e.target.value)}>
                <Radio value="vec">{t('basemap.tdtVec')}</Radio>
                <Radio value="img">{t('basemap.tdtImg')}</Radio>
              </Radio.Group>
              <Input.Password
                value={key}
                onChange={(e) => setKey(e.target.value)}
                placeholder={
                  c.tianditu.keySet
                    ? t('basemap.keyKept', { hint: c.tianditu.keyHint })
                    : t('basemap.keyPlaceholder')
                }
                autoComplete="off"
                data-testid="basemap-tdt-key"
              />
              <Typography.Text type="secondary">{t('basemap.keyHelp')}</Typography.Text>
            </Space>
          )}
          {option('xyz')}
          {kind === 'xyz' && (
            <Space orientation="vertical" style={{ marginLeft: 24, width: 'calc(100% - 24px)' }}>
              <Input
                value={xyz.url}
                onChange={(e) => setXyz({ ...xyz, url: e.target.value })}
                placeholder="https://tiles.example.gov.cn/{z}/{x}/{y}.png"
                data-testid="basemap-xyz-url"
              />
              <Space wrap>
                <Select
                  value={xyz.crs}
                  onChange={(crs) => setXyz({ ...xyz, crs })}
                  style={{ width: 220 }}
                  options={(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const).map((v) => ({
                    value: v,
                    label: t(`basemap.crs.${v}`),
                  }))}
                />
                <InputNumber
                  min={1}
                  max={22}
                  value={xyz.maxZoom}
                  onChange={(v) => setXyz({ ...xyz, maxZoom: v ?? 18 })}
                  prefix={t('basemap.maxZoom')}
                />
              </Space>
              <Input
                value={xyz.attribution}
                onChange={(e) => setXyz({ ...xyz, attribution: e.target.value })}
                placeholder={t('basemap.attribution')}
              />
              <Typography.Text type="secondary">{t('basemap.crsHelp')}</Typography.Text>
            </Space>
          )}
        </Space>
      </Radio.Group>
      <div style={{ marginTop: 16 }}>
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() => save.mutate()}
          data-testid="basemap-save"
        >
          {t('basemap.save')}
        </Button>
      </div>
      {reloadNeeded && (
        <Alert
          style={{ marginTop: 12 }}
          type="info"
          showIcon
          title={t('basemap.reloadNeeded')}
          action={
            <Button size="small" onClick={() => window.location.reload()}>
              {t('basemap.reload')}
            </Button>
          }
        />
      )}
    </Card>
  );
}
