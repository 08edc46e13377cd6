import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  auditActionLabelKey,
  isAuditAction,
  PLATFORM_AUDIT_ACTIONS,
} from './audit-vocabulary.ts';

type Tree = { [k: string]: string | Tree };
const locale = (name: string) =>
  JSON.parse(readFileSync(new URL(`../web/src/locales/${name}.json`, import.meta.url), 'utf8')) as Tree;
/** i18next's reading of a dotted key over nested objects. */
const lookup = (tree: Tree, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined),
      tree,
    );

describe('the audit vocabulary', () => {
  it('declares each action once, the case events included', () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(AUDIT_ACTIONS).toContain('case.dispatch');
    expect(AUDIT_ACTIONS).toContain('auth.login');
    expect(isAuditAction('case.check_fail')).toBe(true);
    expect(isAuditAction('case.nonsense')).toBe(false);
    expect(auditActionLabelKey('case.nonsense')).toBeNull();
  });

  it.each(['zh-CN', 'en-US'])(
    'labels every action and entity type in %s (the audit page shows no raw code)',
    (name) => {
      const tree = locale(name);
      const missingActions = AUDIT_ACTIONS.filter(
        (a) => typeof lookup(tree, auditActionLabelKey(a) ?? '') !== 'string',
      );
      const missingTypes = AUDIT_ENTITY_TYPES.filter(
        (e) => typeof lookup(tree, `entityType.${e}`) !== 'string',
      );
      expect({ missingActions, missingTypes }).toEqual({ missingActions: [], missingTypes: [] });
    },
  );

  it('labels a transition like its button and a platform action under auditAction', () => {
    expect(auditActionLabelKey('case.dispatch')).toBe('case.action.dispatch');
    expect(auditActionLabelKey('case.stage_overdue')).toBe('case.event.stage_overdue');
    expect(auditActionLabelKey('catalog.type.update')).toBe('auditAction.catalog.type.update');
    expect(PLATFORM_AUDIT_ACTIONS.every((a) => auditActionLabelKey(a)?.startsWith('auditAction.'))).toBe(
      true,
    );
  });
});
