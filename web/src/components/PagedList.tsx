/**
 * The building blocks of an admin list page: a paged list from the API (`{ items, total }`) whose
 * filters and page live in the page's state, the table that shows it (server-side pagination,
 * "共 N 条", the API's own error message) and the inline filter bar with Search and Reset.
 *
 *   const list = usePagedList<ListResult<Org>, Filters>({ queryKey: ['orgs', 'list'], path: '/api/orgs' });
 *   <FilterBar testId="orgs-filter" searchTestId="orgs-search" onApply={(v) => list.setFilters(cleanFilters(v))}>…</FilterBar>
 *   <PagedTable<Org> list={list} columns={columns} data-testid="orgs-table" />
 */
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, type QueryKey, type UseQueryResult, useQuery } from '@tanstack/react-query';
import type { TablePaginationConfig, TableProps } from 'antd';
import { Alert, Button, Card, Form, Space, Table } from 'antd';
import { type CSSProperties, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

/** Query-string values of a list request (as `api.get` takes them; empty ones are not sent). */
export type ListParams = Record<string, string | number | boolean | null | undefined>;

/** What a list endpoint answers: one page of items and how many there are in all. */
export interface ListPage<T = unknown> {
  items: T[];
  total: number;
}

export interface PagedList<R extends ListPage, F extends object> {
  query: UseQueryResult<R>;
  filters: F;
  /** New filters; back to the first page. */
  setFilters: (filters: F) => void;
  page: number;
  pageSize: number;
  /** antd pagination: current page and size, the total, the size changer and "共 N 条". */
  pagination: TablePaginationConfig;
}

export interface PagedListOptions<F extends object> {
  /** Prefix of the query key; filters, page and size are appended (mutations invalidate the prefix). */
  queryKey: QueryKey;
  path: string;
  /** Fixed query-string values sent with every request. */
  params?: ListParams;
  initialFilters?: F;
  /**
   * `false` when the endpoint answers the whole list at once (page and size are then not sent and
   * the table pages through what it got).
   */
  serverPaging?: boolean;
}

/** A list endpoint read page by page; the previous page stays on screen while the next one loads. */
export function usePagedList<R extends ListPage, F extends object = ListParams>({
  queryKey,
  path,
  params,
  initialFilters,
  serverPaging = true,
}: PagedListOptions<F>): PagedList<R, F> {
  const { t } = useTranslation();
  const [filters, setFilterState] = useState<F>(initialFilters ?? ({} as F));
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const paging = serverPaging ? { page, pageSize } : {};

  const query = useQuery({
    queryKey: serverPaging ? [...queryKey, filters, page, pageSize] : [...queryKey, filters],
    queryFn: () => api.get<R>(path, { ...params, ...(filters as ListParams), ...paging }),
    placeholderData: keepPreviousData,
  });

  return {
    query,
    filters,
    setFilters: (next) => {
      setFilterState(next);
      setPage(1);
    },
    page,
    pageSize,
    pagination: {
      current: page,
      pageSize,
      total: query.data?.total ?? 0,
      showSizeChanger: true,
      showTotal: (total) => t('common.total', { total }),
      onChange: (p, s) => {
        setPage(p);
        setPageSize(s);
      },
    },
  };
}

/**
 * Filter values as the API wants them: text trimmed, empty text and cleared selects dropped
 * (`undefined`); numbers and booleans (`false` included) kept.
 */
export function cleanFilters<V extends object>(values: V): { [K in keyof V]?: Exclude<V[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = typeof v === 'string' ? v.trim() || undefined : (v ?? undefined);
  }
  return out as { [K in keyof V]?: Exclude<V[K], null> };
}

type PagedTableProps<T> = Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination'> & {
  list: {
    query: { data?: ListPage<T>; isFetching: boolean; error: Error | null };
    pagination: TablePaginationConfig;
  };
};

/**
 * The table of a paged list (rows keyed by `id` and of middle size unless told): loading while a
 * page is fetched, and the API's error message (in the user's language) above it when that failed.
 */
export function PagedTable<T extends object>({
  list,
  rowKey = 'id',
  size = 'middle',
  ...rest
}: PagedTableProps<T>) {
  const { error, data, isFetching } = list.query;
  return (
    <>
      {error && <Alert type="error" showIcon title={error.message} style={{ marginBottom: 12 }} />}
      <Table<T>
        rowKey={rowKey}
        size={size}
        loading={isFetching}
        dataSource={data?.items ?? []}
        pagination={list.pagination}
        {...rest}
      />
    </>
  );
}

/**
 * The inline filter form in its card, ending with Search (submits) and Reset (clears the form and
 * applies no filters). `onApply` gets the form's raw values.
 */
export function FilterBar<V extends object>({
  testId,
  searchTestId,
  onApply,
  buttonsStyle,
  children,
}: {
  /** `data-testid` of the form. */
  testId: string;
  searchTestId: string;
  onApply: (values: Partial<V>) => void;
  /** Style of the buttons' form item (to line up with items that have their own). */
  buttonsStyle?: CSSProperties;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<V>();
  return (
    <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
      <Form form={form} layout="inline" onFinish={onApply} data-testid={testId}>
        {children}
        <Form.Item style={buttonsStyle}>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid={searchTestId}>
              {t('common.search')}
            </Button>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                form.resetFields();
                onApply({});
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
