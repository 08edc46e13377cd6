/**
 * Text a person typed, taken literally inside a LIKE/ILIKE pattern: `%`, `_` and the escape
 * character `\` (PostgreSQL's default escape) stand for themselves, so a search for "50%" or
 * "a_b" finds those characters instead of matching everything.
 *
 *   ilike(table.name, `%${likeLiteral(q)}%`)
 */
export const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
