/**
 * Downloads the filtered case list as .xlsx (GET /api/cases/export), in the UI's language; an
 * error answer (the 422 of too many rows) is thrown as the API client throws it.
 */
import { downloadFile } from '../../../api/download';
import i18n from '../../../i18n';

export function exportCases(query: Record<string, string | number | undefined>): Promise<string> {
  return downloadFile('/api/cases/export', query, 'cases.xlsx', i18n.t('case.export.failed'));
}
