/**
 * The real Ningbo division tree (国家统计局 2023 codes), bundled as JSON so the demo city
 * and tests need no database. See the file's `meta` for source and code format.
 */
import ningbo from '../../../../db/reference/ningbo-divisions.json' with { type: 'json' };
import type { DivisionNode } from './demo-city.ts';

export const ningboDivisions: DivisionNode = ningbo as DivisionNode;
