/**
 * The device import's CSV (RFC 4180: comma-separated, fields in double quotes may hold commas,
 * quotes doubled and line breaks; CRLF or LF; a UTF-8 BOM is dropped). Outside input, bounded:
 * at most MAX_ROWS rows of at most MAX_COLUMNS fields, each at most MAX_FIELD characters; a row
 * past a bound, an unterminated quote or a quote inside an unquoted field stops the parse with the
 * line it is on. Never throws.
 */

export const MAX_ROWS = 5000;
export const MAX_COLUMNS = 20;
export const MAX_FIELD = 500;

export type CsvResult =
  | { ok: true; header: string[]; rows: { line: number; cells: string[] }[] }
  | { ok: false; line: number; message: string };

export function parseCsv(text: string): CsvResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  const fail = (message: string): CsvResult => ({ ok: false, line, message });
  const endCell = (): CsvResult | null => {
    if (cell.length > MAX_FIELD) return fail(`a field is longer than ${MAX_FIELD} characters`);
    cells.push(quoted ? cell : cell.trim());
    if (cells.length > MAX_COLUMNS) return fail(`more than ${MAX_COLUMNS} fields`);
    cell = '';
    quoted = false;
    return null;
  };
  const endRecord = (): CsvResult | null => {
    const bad = endCell();
    if (bad) return bad;
    // A blank line is not a row.
    if (!(cells.length === 1 && cells[0] === '')) {
      records.push({ line: recordLine, cells });
      if (records.length > MAX_ROWS + 1) return fail(`more than ${MAX_ROWS} rows`);
    }
    cells = [];
    recordLine = line;
    return null;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        cell += ch;
        if (cell.length > MAX_FIELD) return fail(`a field is longer than ${MAX_FIELD} characters`);
      }
      continue;
    }
    if (ch === '"') {
      if (cell.trim() !== '' || quoted) return fail('a quote inside an unquoted field');
      cell = '';
      quoted = true;
      inQuotes = true;
    } else if (ch === ',') {
      const bad = endCell();
      if (bad) return bad;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      line++;
      const bad = endRecord();
      if (bad) return bad;
    } else if (quoted) {
      if (ch !== ' ' && ch !== '\t') return fail('text after a closing quote');
    } else {
      cell += ch;
      if (cell.length > MAX_FIELD) return fail(`a field is longer than ${MAX_FIELD} characters`);
    }
  }
  if (inQuotes) return fail('a quoted field is not closed');
  if (cell !== '' || quoted || cells.length > 0) {
    const bad = endRecord();
    if (bad) return bad;
  }
  if (records.length === 0) return { ok: false, line: 1, message: 'no header row' };
  const [head, ...rows] = records;
  return { ok: true, header: head.cells.map((h) => h.trim().toLowerCase()), rows };
}
