import { describe, expect, it } from 'vitest';
import { API_CSP, APP_CSP, cspForPath, DOCS_CSP } from './web-security.ts';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

describe('cspForPath', () => {
  it('gives API answers the empty policy, the docs theirs, and everything else the web client’s', () => {
    for (const p of [
      '/api',
      '/api/me',
      '/api/me?x=1',
      '/api/docsx',
      '/ogc',
      '/ogc/collections',
      '/tiles/grids/1/2/3.mvt',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(cspForPath(p), p).toBe(API_CSP);
    }
    for (const p of [
      '/api/docs',
      '/api/docs/',
      '/api/docs/static/swagger-ui-bundle.js',
      '/api/docs/json?x',
    ]) {
      expect(cspForPath(p), p).toBe(DOCS_CSP);
    }
    for (const p of [
      '/',
      '/dashboard',
      '/m/',
      '/m/report',
      '/assets/index-abc.js',
      '/sw.js',
      '/apix',
      '/ogcx',
      '/healthzz',
      '/metrics/x',
    ]) {
      expect(cspForPath(p), p).toBe(APP_CSP);
    }
  });

  it('no policy lets inline or eval script run, or the page be framed', () => {
    for (const csp of [APP_CSP, DOCS_CSP, API_CSP]) {
      const script = directive(csp, 'script-src') ?? directive(csp, 'default-src');
      expect(script).not.toContain("'unsafe-inline'");
      expect(script).not.toContain("'unsafe-eval'");
      expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
      expect(directive(csp, 'base-uri')).toEqual(["'none'"]);
    }
    expect(directive(API_CSP, 'default-src')).toEqual(["'none'"]);
  });
});
