/**
 * A reporter's contact as people without a need for it see it: the name's first character and
 * stars (张先生 → 张**), the phone's first three and last four digits around four stars
 * (13812345678 → 138****5678). Who needs the real contact (to call back, to ask) is the cases
 * policy's decision (`REPORTER_CONTACT_ROLES`); these only say what the others see.
 */

/** 张先生 → 张**; a one-character name becomes a single star. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * 13812345678 → 138****5678; 0574-87654321 → 057****4321. Numbers too short to keep both ends
 * (a 5–7-digit service number) keep their last two digits only.
 */
export function maskPhone(phone: string): string {
  // China's country code in front of a mobile number (+86 138…) is not part of what is masked.
  const all = phone.replace(/\D/g, '');
  const digits = all.length === 13 && all.startsWith('86') ? all.slice(2) : all;
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return '*'.repeat(Math.max(0, digits.length - 2)) + digits.slice(-2);
}
