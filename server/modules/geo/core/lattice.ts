/**
 * Outlines of sets of lattice cells: the union of unit squares (x..x+1, y..y+1) as polygons with
 * integer vertices, one polygon per 4-connected component, outer rings counter-clockwise and
 * holes clockwise (RFC 7946), collinear vertices merged. The demo city builds its districts and
 * townships from blocks of a lattice and outlines them here: the vertices are lattice points, so
 * neighbours share their edges exactly and the topology checks find no sliver.
 *
 * A "pinch" — two cells of the set touching only at a corner, the other two cells of that 2×2
 * window outside it — makes a ring touch itself or another ring at a point, which is not a valid
 * polygon. `findPinches` lists them; callers remove cells until there are none (`outlineCells`
 * refuses a pinched set).
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Cell = readonly [x: number, y: number];

const OFFSET = 1 << 20;
const SPAN = 1 << 21;
/** A number key for a cell (|x|, |y| < 2^20). */
export const cellKey = (x: number, y: number): number => (x + OFFSET) * SPAN + (y + OFFSET);
export const keyCell = (k: number): Cell => [Math.floor(k / SPAN) - OFFSET, (k % SPAN) - OFFSET];

/** The 2×2 windows of the set whose only cells in the set are one diagonal pair: [lower-left x, y]. */
export function findPinches(cells: ReadonlySet<number>): Cell[] {
  const seen = new Set<number>();
  const out: Cell[] = [];
  for (const k of cells) {
    const [x, y] = keyCell(k);
    // Every window the cell is part of, by its lower-left corner.
    for (const [wx, wy] of [
      [x - 1, y - 1],
      [x, y - 1],
      [x - 1, y],
      [x, y],
    ]) {
      const wk = cellKey(wx, wy);
      if (seen.has(wk)) continue;
      seen.add(wk);
      const a = cells.has(cellKey(wx, wy));
      const b = cells.has(cellKey(wx + 1, wy));
      const c = cells.has(cellKey(wx, wy + 1));
      const d = cells.has(cellKey(wx + 1, wy + 1));
      if ((a && d && !b && !c) || (b && c && !a && !d)) out.push([wx, wy]);
    }
  }
  return out;
}

// Directions: 0 east, 1 north, 2 west, 3 south.
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * The outline of a set of cells: a Polygon for one 4-connected component, a MultiPolygon for
 * several (components ordered by their first cell in (y, x) order); null for an empty set.
 * `toPosition` maps a lattice vertex to its coordinates.
 */
export function outlineCells(
  cells: ReadonlySet<number>,
  toPosition: (x: number, y: number) => Position,
): Polygon | MultiPolygon | null {
  if (cells.size === 0) return null;
  if (findPinches(cells).length) throw new Error('outlineCells: the set has cells touching only at a corner');
  // Components (4-connectivity), numbered in a fixed order.
  const sorted = [...cells].map(keyCell).sort((p, q) => p[1] - q[1] || p[0] - q[0]);
  const component = new Map<number, number>();
  let components = 0;
  for (const [x, y] of sorted) {
    const k = cellKey(x, y);
    if (component.has(k)) continue;
    const id = components++;
    const stack = [k];
    component.set(k, id);
    while (stack.length) {
      const [cx, cy] = keyCell(stack.pop()!);
      for (let d = 0; d < 4; d++) {
        const nk = cellKey(cx + DX[d], cy + DY[d]);
        if (cells.has(nk) && !component.has(nk)) {
          component.set(nk, id);
          stack.push(nk);
        }
      }
    }
  }
  // Boundary edges, interior on the left: start vertex → { direction, component }.
  const out = new Map<number, { dir: number; comp: number }>();
  const edges: { from: number; dir: number; comp: number }[] = [];
  const addEdge = (x: number, y: number, dir: number, comp: number) => {
    const from = cellKey(x, y);
    out.set(from * 4 + dir, { dir, comp });
    edges.push({ from, dir, comp });
  };
  for (const [x, y] of sorted) {
    const comp = component.get(cellKey(x, y))!;
    if (!cells.has(cellKey(x, y - 1))) addEdge(x, y, 0, comp);
    if (!cells.has(cellKey(x + 1, y))) addEdge(x + 1, y, 1, comp);
    if (!cells.has(cellKey(x, y + 1))) addEdge(x + 1, y + 1, 2, comp);
    if (!cells.has(cellKey(x - 1, y))) addEdge(x, y + 1, 3, comp);
  }
  const used = new Set<number>();
  const rings: { comp: number; ring: Position[]; signed: number }[] = [];
  for (const e of edges) {
    if (used.has(e.from * 4 + e.dir)) continue;
    const verts: Cell[] = [];
    let at = e.from;
    let dir = e.dir;
    let prevDir = -1;
    for (;;) {
      const id = at * 4 + dir;
      if (used.has(id)) break;
      used.add(id);
      const [x, y] = keyCell(at);
      if (dir !== prevDir) verts.push([x, y]);
      prevDir = dir;
      const next = cellKey(x + DX[dir], y + DY[dir]);
      // Without pinches a vertex has one outgoing edge of the ring; left turn first regardless.
      const choice = [(dir + 1) % 4, dir, (dir + 3) % 4].find((d) => out.has(next * 4 + d));
      if (choice === undefined) throw new Error('outlineCells: open boundary');
      at = next;
      dir = choice;
    }
    // The walk ends on the start edge; its first vertex may be mid-edge of a straight run.
    if (verts.length > 1 && prevDir === e.dir) verts.shift();
    let signed = 0;
    for (let i = 0; i < verts.length; i++) {
      const [x1, y1] = verts[i];
      const [x2, y2] = verts[(i + 1) % verts.length];
      signed += x1 * y2 - x2 * y1;
    }
    const ring = verts.map(([x, y]) => toPosition(x, y));
    ring.push(ring[0]);
    rings.push({ comp: e.comp, ring, signed });
  }
  const polygons: Position[][][] = [];
  for (let c = 0; c < components; c++) {
    const mine = rings.filter((r) => r.comp === c);
    const outer = mine.filter((r) => r.signed > 0);
    if (outer.length !== 1) throw new Error(`outlineCells: component ${c} has ${outer.length} outer rings`);
    polygons.push([outer[0].ring, ...mine.filter((r) => r.signed < 0).map((r) => r.ring)]);
  }
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0] }
    : { type: 'MultiPolygon', coordinates: polygons };
}
