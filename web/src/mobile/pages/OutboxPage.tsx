import { CloudSyncOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Empty, Popconfirm, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatChina } from '../../components/china-time';
import { useMobile } from '../MobileApp';
import { discard, isEditable, retry } from '../outbox';

/**
 * 待同步: everything made on this device not yet accepted by the server, and what the server
 * refused. A report may be opened back in the form and changed (refused, or still waiting and
 * never posted); an action is redone from its task.
 */
export function OutboxPage() {
  const { t } = useTranslation();
  const { items, syncNow, syncing, online } = useMobile();
  return (
    <div data-testid="m-outbox">
      <div className="m-page-head">
        <h1>{t('mobile.outbox.title')}</h1>
      </div>
      <div className="m-pad">
        <Button
          size="large"
          block
          className="m-big"
          icon={<CloudSyncOutlined />}
          loading={syncing}
          disabled={!online || items.every((i) => i.status !== 'pending')}
          onClick={() => void syncNow()}
          data-testid="m-sync-now"
        >
          {t('mobile.outbox.syncNow')}
        </Button>
      </div>
      {items.length === 0 && <Empty description={t('mobile.outbox.empty')} style={{ marginTop: 32 }} />}
      <ul className="m-list">
        {items.map((i) => (
          <li
            key={i.id}
            className="m-item"
            data-testid="m-outbox-item"
            data-status={i.status}
            data-kind={i.kind}
          >
            <div className="m-item-top">
              <Tag color={i.status === 'pending' ? 'orange' : i.status === 'draft' ? 'blue' : 'red'}>
                {t(`mobile.outbox.status.${i.status}`)}
              </Tag>
              <span>{i.kind === 'report' ? t('mobile.outbox.report') : t(`mobile.action.${i.action}`)}</span>
              <span className="m-muted">{formatChina(i.createdAt, 'MM-DD HH:mm')}</span>
            </div>
            <div className="m-item-desc">{i.kind === 'report' ? i.report.description : i.caseCode}</div>
            <div className="m-item-meta">
              {t('mobile.outbox.photos', {
                n: i.photos.length,
                up: i.photos.filter((p) => p.uploadedId).length,
              })}
            </div>
            {i.status === 'conflict' && <div className="m-error">{t('mobile.outbox.conflictHint')}</div>}
            {i.error && (
              <div className="m-error" data-testid="m-outbox-error">
                {i.error}
              </div>
            )}
            {(i.status !== 'pending' || isEditable(i)) && (
              <div className="m-actions m-actions-row">
                {isEditable(i) && (
                  <Link to={`/m/report?edit=${i.id}`} data-testid="m-outbox-edit">
                    <Button size="large" className="m-big" block icon={<EditOutlined />}>
                      {t('mobile.outbox.edit')}
                    </Button>
                  </Link>
                )}
                {i.kind === 'action' && (
                  <Link to={`/m/tasks/${i.caseId}`} onClick={() => void discard(i.id)}>
                    <Button size="large" className="m-big" block>
                      {t('mobile.outbox.redo')}
                    </Button>
                  </Link>
                )}
                {(i.status === 'failed' || i.status === 'draft') && (
                  <Button size="large" className="m-big" block onClick={() => void retry(i.id).then(syncNow)}>
                    {t('mobile.outbox.retry')}
                  </Button>
                )}
                {i.status !== 'pending' && (
                  <Popconfirm title={t('mobile.outbox.discardConfirm')} onConfirm={() => void discard(i.id)}>
                    <Button size="large" className="m-big" block danger data-testid="m-outbox-discard">
                      {t('mobile.outbox.discard')}
                    </Button>
                  </Popconfirm>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
