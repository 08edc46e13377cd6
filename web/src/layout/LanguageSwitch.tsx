import { GlobalOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useSetMe } from '../api/queries';
import type { Me } from '../api/types';
import { type AppLocale, currentLocale, setLocale } from '../i18n';

/** Before login the choice stays in this browser; after login it is saved for the user too. */
export function LanguageSwitch({ loggedIn }: { loggedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const setMe = useSetMe();
  const save = useMutation({
    mutationFn: (locale: AppLocale) => api.put<Me>('/api/me/preferences', { locale }),
    onSuccess: (me) => setMe(me),
    onError: (e) => message.error(e.message),
  });

  const change = async (lng: AppLocale) => {
    await setLocale(lng);
    if (loggedIn) save.mutate(lng);
  };

  return (
    <Select<AppLocale>
      data-testid="language-switch"
      aria-label={t('layout.language')}
      value={currentLocale()}
      key={i18n.language}
      onChange={(v) => void change(v)}
      variant="borderless"
      suffixIcon={<GlobalOutlined />}
      style={{ width: 120 }}
      popupMatchSelectWidth={false}
      options={[
        { value: 'zh-CN', label: <span data-testid="language-zh-CN">简体中文</span> },
        { value: 'en-US', label: <span data-testid="language-en-US">English</span> },
      ]}
    />
  );
}
