import { Checkbox, Typography } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AREA_CLASS_COLORS,
  CASE_LIGHT_COLORS,
  COMPONENT_MAJOR_COLORS,
  COMPONENT_MIN_ZOOM,
  COMPONENT_STATE_COLORS,
  GRID_MIN_ZOOM,
  type LayerGroup,
} from './style';

const swatch = (style: CSSProperties): CSSProperties => ({
  display: 'inline-block',
  width: 14,
  height: 10,
  marginRight: 6,
  verticalAlign: 'middle',
  ...style,
});

const row: CSSProperties = { whiteSpace: 'nowrap', lineHeight: '18px' };

/** A legend heading that switches its group of layers on and off. */
function Toggle({
  group,
  on,
  onToggle,
  children,
}: {
  group: LayerGroup;
  on: boolean;
  onToggle: (g: LayerGroup, on: boolean) => void;
  children: ReactNode;
}) {
  return (
    <Checkbox
      checked={on}
      onChange={(e) => onToggle(group, e.target.checked)}
      data-testid={`map-layer-${group}`}
      style={{ fontSize: 12, fontWeight: 600 }}
    >
      {children}
    </Checkbox>
  );
}

/**
 * What the colours mean, and which layers show at the current zoom; each group's heading is a
 * switch that shows or hides its layers (divisions, grids, components, cases).
 */
export function Legend({
  zoom,
  components,
  cases,
  layersOn,
  onToggle,
}: {
  zoom: number;
  components: boolean;
  cases: boolean;
  layersOn: Record<LayerGroup, boolean>;
  onToggle: (g: LayerGroup, on: boolean) => void;
}) {
  const { t } = useTranslation();
  const gridsOn = zoom >= GRID_MIN_ZOOM;
  const compsOn = zoom >= COMPONENT_MIN_ZOOM;
  const dim = (on: boolean, group?: LayerGroup): CSSProperties => ({
    opacity: on && (!group || layersOn[group]) ? 1 : 0.45,
  });
  return (
    <div
      data-testid="map-legend"
      style={{
        position: 'absolute',
        left: 10,
        bottom: 10,
        background: 'rgba(255,255,255,0.92)',
        borderRadius: 4,
        padding: '8px 10px',
        fontSize: 12,
        boxShadow: '0 1px 4px rgba(0,0,0,0.2)',
        zIndex: 1,
        display: 'flex',
        gap: 16,
        alignItems: 'flex-start',
      }}
    >
      <div style={dim(true, 'divisions')}>
        <Toggle group="divisions" on={layersOn.divisions} onToggle={onToggle}>
          {t('map.legend.boundaries')}
        </Toggle>
        <div style={row}>
          <span style={swatch({ height: 0, borderTop: '3px solid #10239e' })} />
          {t('map.levels.district')}
        </div>
        <div style={row}>
          <span style={swatch({ height: 0, borderTop: '2px solid #2f54eb' })} />
          {t('map.levels.township')}
        </div>
        <div style={row}>
          <span style={swatch({ height: 0, borderTop: '1px dashed #597ef7' })} />
          {t('map.levels.community')}
        </div>
        <div style={{ ...row, marginTop: 4 }} data-testid="map-zoom">
          {t('map.legend.zoom', { zoom: zoom.toFixed(1) })}
        </div>
      </div>
      <div style={dim(gridsOn, 'grids')}>
        <Toggle group="grids" on={layersOn.grids} onToggle={onToggle}>
          {t('map.legend.grids', { zoom: GRID_MIN_ZOOM })}
        </Toggle>
        {(['A', 'B', 'C'] as const).map((c) => (
          <div key={c} style={row} data-testid={`map-legend-area-${c}`}>
            <span
              style={swatch({ background: AREA_CLASS_COLORS[c], opacity: 0.45, border: '1px solid #8c8c8c' })}
            />
            {c} · {t(`map.areaClasses.${c}`)}
          </div>
        ))}
      </div>
      {components && (
        <div style={dim(compsOn, 'components')}>
          <Toggle group="components" on={layersOn.components} onToggle={onToggle}>
            {t('map.legend.components', { zoom: COMPONENT_MIN_ZOOM })}
          </Toggle>
          {Object.entries(COMPONENT_MAJOR_COLORS).map(([major, color]) => (
            <div key={major} style={row}>
              <span style={swatch({ width: 10, borderRadius: 5, background: color })} />
              {t(`map.majors.${major}`)}
            </div>
          ))}
        </div>
      )}
      {components && (
        <div style={dim(compsOn, 'components')}>
          <Typography.Text strong style={{ fontSize: 12 }}>
            {t('map.legend.states')}
          </Typography.Text>
          {Object.entries(COMPONENT_STATE_COLORS)
            .filter(([s]) => s !== 'intact')
            .map(([state, color]) => (
              <div key={state} style={row}>
                <span
                  style={swatch({
                    width: 10,
                    borderRadius: 5,
                    background: '#d9d9d9',
                    border: `2px solid ${color}`,
                  })}
                />
                {t(`map.states.${state}`)}
              </div>
            ))}
        </div>
      )}
      {cases && (
        <div style={dim(true, 'cases')}>
          <Toggle group="cases" on={layersOn.cases} onToggle={onToggle}>
            {t('map.legend.cases')}
          </Toggle>
          {(['red', 'yellow', 'green', 'none'] as const).map((l) => (
            <div key={l} style={row} data-testid={`map-legend-light-${l}`}>
              <span
                style={swatch({
                  width: 10,
                  borderRadius: 5,
                  background: CASE_LIGHT_COLORS[l],
                  border: '1px solid #fff',
                })}
              />
              {t(`map.cases.light.${l}`)}
            </div>
          ))}
          <div style={row}>{t('map.cases.clusterHint')}</div>
        </div>
      )}
    </div>
  );
}
