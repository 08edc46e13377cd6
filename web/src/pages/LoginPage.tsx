import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { type ApiError, api, isApiError } from '../api/client';
import { useSetMe } from '../api/queries';
import type { LoginResult } from '../api/types';
import { isAppLocale, setLocale } from '../i18n';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { menuFor, menuItemForPath } from '../menu';

interface Values {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const setMe = useSetMe();
  const from = (location.state as { from?: string } | null)?.from;

  const login = useMutation<LoginResult, Error, Values>({
    mutationFn: (v) => api.post<LoginResult>('/api/auth/login', v, { skipAuthRedirect: true }),
    onSuccess: async (res) => {
      setMe(res.user);
      if (isAppLocale(res.user.user.locale)) await setLocale(res.user.user.locale);
      // Back to where the session ended, unless whoever signs in now may not open that page.
      const back = from && from !== '/login' ? menuItemForPath(from) : undefined;
      const allowed = back === undefined || menuFor(res.user.menu).includes(back);
      void navigate(from && from !== '/login' && allowed ? from : '/', { replace: true });
    },
  });

  return (
    <div
      data-testid="page-login"
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        background: 'linear-gradient(135deg, #001529 0%, #003a70 55%, #1677ff 100%)',
      }}
    >
      <div style={{ display: 'flex', justifyContent: 'flex-end', padding: '12px 24px' }}>
        <div style={{ background: 'rgba(255,255,255,0.9)', borderRadius: 4 }}>
          <LanguageSwitch loggedIn={false} />
        </div>
      </div>
      <div style={{ flex: 1, display: 'grid', placeItems: 'center', padding: 16 }}>
        <div style={{ width: 400, maxWidth: '100%' }}>
          <div style={{ textAlign: 'center', color: '#fff', marginBottom: 24 }}>
            <div style={{ fontSize: 30, fontWeight: 600, letterSpacing: 4 }} data-testid="login-product-name">
              {t('app.name')}
            </div>
            <div style={{ fontSize: 15, opacity: 0.8, marginTop: 4 }}>{t('login.tagline')}</div>
          </div>
          <Card>
            <Typography.Title level={4} style={{ marginTop: 0, textAlign: 'center' }}>
              {t('login.title')}
            </Typography.Title>
            {login.error && <LoginError error={login.error} />}
            <Form<Values>
              layout="vertical"
              size="large"
              onFinish={(v) => login.mutate(v)}
              requiredMark={false}
              data-testid="login-form"
            >
              <Form.Item
                name="username"
                label={t('login.username')}
                rules={[{ required: true, message: t('login.usernameRequired') }]}
              >
                <Input
                  prefix={<UserOutlined />}
                  autoComplete="username"
                  autoFocus
                  data-testid="login-username"
                  placeholder={t('login.username')}
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
                  data-testid="login-password"
                  placeholder={t('login.password')}
                />
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                block
                loading={login.isPending}
                data-testid="login-submit"
              >
                {t('login.submit')}
              </Button>
            </Form>
          </Card>
        </div>
      </div>
      <div style={{ textAlign: 'center', color: 'rgba(255,255,255,0.6)', padding: 16, fontSize: 12 }}>
        {t('app.footer')}
      </div>
    </div>
  );
}

function LoginError({ error }: { error: Error }) {
  const { t } = useTranslation();
  const apiError: ApiError | null = isApiError(error) ? error : null;
  let title = t('login.failed');
  let description: string | undefined = error.message;
  let type: 'error' | 'warning' = 'error';
  let testId = 'login-error';
  // Every failed login is one 401 (the server tells nobody why); too many attempts are a 429.
  if (apiError?.status === 429 || apiError?.code === 'RATE_LIMITED') {
    title = t('login.rateLimited');
    type = 'warning';
    testId = 'login-error-rate-limited';
    description = apiError.retryAfter
      ? `${apiError.message} ${t('login.retryAfter', { seconds: apiError.retryAfter })}`
      : apiError.message;
  } else if (apiError?.status === 401) {
    title = apiError.message;
    description = undefined;
  }
  return (
    <Alert
      type={type}
      showIcon
      title={title}
      description={description}
      style={{ marginBottom: 16 }}
      data-testid={testId}
    />
  );
}
