import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { LoginResult } from '../../api/types';
import { isAppLocale, setLocale } from '../../i18n';
import { putSnapshot } from '../db';
import { LanguageToggle } from '../LanguageToggle';

interface Values {
  username: string;
  password: string;
}

/** Sign-in for the mobile app: the API's own login (the session cookie then serves every call). */
export function MobileLoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const login = useMutation<LoginResult, Error, Values>({
    mutationFn: (v) => api.post<LoginResult>('/api/auth/login', v, { skipAuthRedirect: true }),
    onSuccess: async (res) => {
      qc.removeQueries({ queryKey: ['mobile'] });
      qc.setQueryData(['mobile', 'me'], res.user);
      qc.setQueryData(['me'], res.user);
      await putSnapshot('me', res.user).catch(() => undefined);
      if (isAppLocale(res.user.user.locale)) await setLocale(res.user.user.locale);
      void navigate('/m/', { replace: true });
    },
  });
  return (
    <div className="m-login" data-testid="m-login">
      <div className="m-login-lang">
        <LanguageToggle save={false} />
      </div>
      <div className="m-login-head">
        <div className="m-login-logo" aria-hidden>
          城
        </div>
        <div className="m-login-name">{t('app.name')}</div>
        <div className="m-login-sub">{t('mobile.loginSubtitle')}</div>
      </div>
      <div className="m-card">
        {login.error && (
          <Alert
            type="error"
            showIcon
            title={login.error.message}
            style={{ marginBottom: 16 }}
            data-testid="m-login-error"
          />
        )}
        <Form<Values> layout="vertical" size="large" requiredMark={false} onFinish={(v) => login.mutate(v)}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('login.usernameRequired') }]}
          >
            <Input
              prefix={<UserOutlined />}
              autoComplete="username"
              autoCapitalize="off"
              data-testid="m-login-username"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="m-login-password"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            loading={login.isPending}
            className="m-big"
            data-testid="m-login-submit"
          >
            {t('login.submit')}
          </Button>
        </Form>
      </div>
    </div>
  );
}
