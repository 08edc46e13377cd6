export const COMPONENT_STATES = ['intact', 'damaged', 'lost', 'abandoned', 'removed'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export interface Component {
  id: string;
  typeCode: string;
  typeName: string | null;
  districtCode: string;
  gridId: string | null;
  name: string;
  ownerDept: string | null;
  propertyDept: string | null;
  maintainerDept: string | null;
  state: ComponentState;
  geometry: { type: string; coordinates: unknown };
  lng: number;
  lat: number;
  crs: 'wgs84';
  legacyId: string | null;
  source: string;
  installedAt: string | null;
  surveyedAt: string | null;
  attrs: Record<string, unknown>;
  distanceM?: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const STATE_COLORS: Record<ComponentState, string> = {
  intact: 'green',
  damaged: 'orange',
  lost: 'red',
  abandoned: 'default',
  removed: 'default',
};
