import { Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AREA_CLASS_COLORS,
  COMPONENT_MAJOR_COLORS,
  COMPONENT_MIN_ZOOM,
  COMPONENT_STATE_COLORS,
  GRID_MIN_ZOOM,
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

/** What the colours mean, and which layers show at the current zoom. */
export function Legend({ zoom, components }: { zoom: number; components: boolean }) {
  const { t } = useTranslation();
  const gridsOn = zoom >= GRID_MIN_ZOOM;
  const compsOn = zoom >= COMPONENT_MIN_ZOOM;
  const dim = (on: boolean): CSSProperties => ({ opacity: on ? 1 : 0.45 });
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
      <div>
        <Typography.Text strong style={{ fontSize: 12 }}>
          {t('map.legend.boundaries')}
        </Typography.Text>
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
      <div style={dim(gridsOn)}>
        <Typography.Text strong style={{ fontSize: 12 }}>
          {t('map.legend.grids', { zoom: GRID_MIN_ZOOM })}
        </Typography.Text>
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
        <div style={dim(compsOn)}>
          <Typography.Text strong style={{ fontSize: 12 }}>
            {t('map.legend.components', { zoom: COMPONENT_MIN_ZOOM })}
          </Typography.Text>
          {Object.entries(COMPONENT_MAJOR_COLORS).map(([major, color]) => (
            <div key={major} style={row}>
              <span style={swatch({ width: 10, borderRadius: 5, background: color })} />
              {t(`map.majors.${major}`)}
            </div>
          ))}
        </div>
      )}
      {components && (
        <div style={dim(compsOn)}>
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
    </div>
  );
}
