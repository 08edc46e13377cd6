import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nastyString } from '../../../test/support/fuzz.ts';
import { MAX_COLUMNS, MAX_FIELD, MAX_ROWS, parseCsv } from './csv.ts';

describe('the device import CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM and blank lines', () => {
    const r = parseCsv(
      '\ufeffCode,Kind,Name\r\nA-1,manhole_tilt,"解放南路, 12 号"\r\n\r\nA-2,bin_fill,"say ""hi""\nthere"\n',
    );
    expect(r).toEqual({
      ok: true,
      header: ['code', 'kind', 'name'],
      rows: [
        { line: 2, cells: ['A-1', 'manhole_tilt', '解放南路, 12 号'] },
        { line: 4, cells: ['A-2', 'bin_fill', 'say "hi"\nthere'] },
      ],
    });
  });

  it('stops at what it cannot read, with the line', () => {
    expect(parseCsv('a,b\n1,"open')).toMatchObject({ ok: false, message: 'a quoted field is not closed' });
    expect(parseCsv('a,b\n1,x"y"')).toMatchObject({
      ok: false,
      line: 2,
      message: 'a quote inside an unquoted field',
    });
    expect(parseCsv('a,b\n1,"x"y')).toMatchObject({
      ok: false,
      line: 2,
      message: 'text after a closing quote',
    });
    expect(parseCsv(`a\n${'x'.repeat(MAX_FIELD + 1)}`)).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv(Array.from({ length: MAX_COLUMNS + 1 }, () => 'a').join(','))).toMatchObject({
      ok: false,
      line: 1,
    });
    expect(parseCsv(`a\n${'1\n'.repeat(MAX_ROWS + 1)}`)).toMatchObject({
      ok: false,
      message: `more than ${MAX_ROWS} rows`,
    });
    expect(parseCsv('')).toMatchObject({ ok: false, message: 'no header row' });
  });

  it('never throws and keeps every bound for any input (fuzz)', () => {
    const cell = fc.oneof(
      nastyString,
      fc.string({ maxLength: 30 }),
      fc.constantFrom('"', '""', ',', '\r\n', '\n', '"a,b"'),
    );
    const text = fc.oneof(
      fc
        .array(
          fc.array(cell, { maxLength: 25 }).map((cs) => cs.join(',')),
          { maxLength: 40 },
        )
        .map((ls) => ls.join('\n')),
      fc.string({ unit: 'binary', maxLength: 3000 }),
    );
    fc.assert(
      fc.property(text, (s) => {
        const r = parseCsv(s);
        if (r.ok) {
          expect(r.rows.length).toBeLessThanOrEqual(MAX_ROWS);
          for (const row of [r.header, ...r.rows.map((x) => x.cells)]) {
            expect(row.length).toBeLessThanOrEqual(MAX_COLUMNS);
            for (const c of row) expect(c.length).toBeLessThanOrEqual(MAX_FIELD);
          }
        } else {
          expect(r.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
