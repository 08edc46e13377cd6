import { Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportRow } from './api';

/** The row-by-row validation report: problem rows first, each finding in the reader's language. */
export function ReportTable({ rows }: { rows: ReportRow[] }) {
  const { t, i18n } = useTranslation();
  const [onlyProblems, setOnlyProblems] = useState(true);
  const en = i18n.language === 'en-US';
  const shown = onlyProblems ? rows.filter((r) => r.findings.length > 0) : rows;
  return (
    <Table<ReportRow>
      rowKey={(r) => `${r.row}-${r.id ?? ''}`}
      size="small"
      title={() => (
        <Tag.CheckableTag checked={onlyProblems} onChange={setOnlyProblems}>
          {t('imports.onlyProblems')}
        </Tag.CheckableTag>
      )}
      dataSource={shown}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="import-report"
      columns={[
        {
          title: t('imports.row'),
          dataIndex: 'row',
          width: 70,
          render: (n: number) => (n === 0 ? t('imports.wholeFile') : n),
        },
        { title: 'ID', dataIndex: 'id', width: 170, render: (id: string | null) => id ?? '—' },
        {
          title: t('imports.result'),
          dataIndex: 'ok',
          width: 80,
          render: (ok: boolean) => <Tag color={ok ? 'green' : 'red'}>{ok ? 'OK' : t('imports.error')}</Tag>,
        },
        {
          title: t('imports.findings'),
          dataIndex: 'findings',
          render: (fs: ReportRow['findings']) =>
            fs.map((f) => (
              <div key={`${f.rule}-${f.message_en}`}>
                <Tag color={f.severity === 'error' ? 'red' : 'gold'}>{f.rule}</Tag>
                {en ? f.message_en : f.message_zh}
              </div>
            )),
        },
      ]}
    />
  );
}
