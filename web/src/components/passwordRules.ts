import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';

/** The house rule (checked again by the server): 8–128 characters with letters and digits. */
export function newPasswordRules(t: TFunction): FormRule[] {
  return [
    { required: true, message: t('password.newRequired') },
    { min: 8, max: 128, message: t('password.minLength', { n: 8 }) },
    {
      validator: (_, value: string | undefined) =>
        !value || (/[A-Za-z]/.test(value) && /\d/.test(value))
          ? Promise.resolve()
          : Promise.reject(new Error(t('password.lettersDigits'))),
    },
  ];
}
