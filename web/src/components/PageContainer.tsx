import { HomeOutlined } from '@ant-design/icons';
import { Breadcrumb, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** Breadcrumb, page title and the page body in a white panel; `testId` becomes `data-testid`. */
export function PageContainer({
  testId,
  title,
  extra,
  children,
}: {
  testId: string;
  title: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div data-testid={testId}>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          {
            title: (
              <Link to="/">
                <HomeOutlined /> <span>{t('menu.home')}</span>
              </Link>
            ),
          },
          { title },
        ]}
      />
      <div
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          marginBottom: 12,
          gap: 12,
        }}
      >
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="page-title">
          {title}
        </Typography.Title>
        <div>{extra}</div>
      </div>
      {children}
    </div>
  );
}
