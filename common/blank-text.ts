/**
 * Blank text: what shows nothing on a screen. A required reason or note of only white space, or of
 * format characters (zero-width space U+200B, zero-width joiners, the BOM, bidirectional marks),
 * control characters or other default-ignorable code points (the Hangul fillers U+3164 …) is
 * blank, however it was typed or pasted. `String.prototype.trim` and the regex `\S` miss all but
 * the white space.
 */

/** The characters that show nothing, as the inside of a `u`-flag character class. */
const INVISIBLE = '\\s\\p{Cf}\\p{Cc}\\p{Default_Ignorable_Code_Point}';

/**
 * A JSON Schema `pattern` (Ajv compiles patterns with the `u` flag) that a string holding at least
 * one visible character matches: `Type.String({ pattern: VISIBLE_TEXT_PATTERN })`.
 */
export const VISIBLE_TEXT_PATTERN = `[^${INVISIBLE}]`;

const VISIBLE = new RegExp(VISIBLE_TEXT_PATTERN, 'u');

/** True when `text` holds no visible character. */
export const isBlankText = (text: string): boolean => !VISIBLE.test(text);

const INVISIBLES = new RegExp(`[${INVISIBLE}]`, 'gu');

/** How many visible characters `text` holds (code points, white space and invisibles not counted). */
export const visibleLength = (text: string): number => [...text.replace(INVISIBLES, '')].length;
