import {
  AimOutlined,
  CameraOutlined,
  RightOutlined,
  SearchOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatChina } from '../../components/china-time';
import { savedCodes } from '../codes';

/** What the portal is for, the three things one can do, and the reports sent from this phone. */
export function HomePage() {
  const { t } = useTranslation();
  const mine = savedCodes();
  return (
    <div data-testid="p-home">
      <section className="p-hero">
        <h1>{t('portal.home.title')}</h1>
        <p>{t('portal.home.intro')}</p>
      </section>
      <div className="p-actions">
        <Link to="/public/report" className="p-action p-action-main" data-testid="p-home-report">
          <CameraOutlined />
          <span>
            <b>{t('portal.home.report')}</b>
            <small>{t('portal.home.reportHint')}</small>
          </span>
        </Link>
        <Link to="/public/track" className="p-action" data-testid="p-home-track">
          <SearchOutlined />
          <span>
            <b>{t('portal.home.track')}</b>
            <small>{t('portal.home.trackHint')}</small>
          </span>
        </Link>
        <Link to="/public/nearby" className="p-action" data-testid="p-home-nearby">
          <AimOutlined />
          <span>
            <b>{t('portal.home.nearby')}</b>
            <small>{t('portal.home.nearbyHint')}</small>
          </span>
        </Link>
        <Link to="/public/rankings" className="p-action" data-testid="p-home-rankings">
          <TrophyOutlined />
          <span>
            <b>{t('portal.home.rankings')}</b>
            <small>{t('portal.home.rankingsHint')}</small>
          </span>
        </Link>
      </div>
      {mine.length > 0 && (
        <section className="p-card" data-testid="p-home-mine">
          <h2>{t('portal.mine.title')}</h2>
          <ul className="p-list">
            {mine.map((c) => (
              <li key={c.code}>
                <Link to={`/public/track/${c.code}`} className="p-item" data-testid="p-mine-item">
                  <span className="p-code">{c.code}</span>
                  <span className="p-item-title">{c.title}</span>
                  <span className="p-muted">{formatChina(c.at, 'YYYY-MM-DD HH:mm')}</span>
                  <RightOutlined className="p-chevron" />
                </Link>
              </li>
            ))}
          </ul>
          <p className="p-muted">{t('portal.mine.hint')}</p>
        </section>
      )}
      <p className="p-footnote">{t('portal.home.emergency')}</p>
    </div>
  );
}
