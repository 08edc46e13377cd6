/**
 * The public portal (市民随手拍, /public/): anyone, without an account, reports a problem in public
 * space with photos and a place, follows it with its tracking code, rates the result, and sees what
 * others reported nearby. Phone first, Chinese or English. Everything it shows that a citizen typed
 * is React text — never HTML (no dangerouslySetInnerHTML anywhere in the portal).
 */
import { AimOutlined, CameraOutlined, HomeOutlined, SearchOutlined, TrophyOutlined } from '@ant-design/icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import i18n, { browserLocale, chosenLocale, currentLocale, setLocale } from '../i18n';
import { HomePage } from './pages/HomePage';
import { NearbyPage } from './pages/NearbyPage';
import { RankingsPage } from './pages/RankingsPage';
import { ReportPage } from './pages/ReportPage';
import { TrackPage } from './pages/TrackPage';
import './portal.css';

// Staff work in Chinese unless they switch; a citizen — a visitor, too — first sees the portal in
// their phone's language (Chinese or English), until they choose with the switch. Set before the
// first render (this module loads on demand, just before it), and not stored: only a choice is.
if (!chosenLocale()) void i18n.changeLanguage(browserLocale());

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next = currentLocale() === 'zh-CN' ? 'en-US' : 'zh-CN';
  return (
    <button
      type="button"
      className="p-lang"
      onClick={() => void setLocale(next)}
      data-testid="p-lang"
      data-locale={i18n.language}
      lang={next === 'en-US' ? 'en' : 'zh'}
      aria-label={t('portal.switchLanguage')}
    >
      {next === 'en-US' ? 'EN' : '中文'}
    </button>
  );
}

export default function PortalApp() {
  const { t } = useTranslation();
  // The page's own title, in the language chosen (`t` changes with it).
  useEffect(() => {
    const before = document.title;
    document.title = t('portal.title');
    return () => {
      document.title = before;
    };
  }, [t]);

  return (
    <div className="p-root" data-testid="p-root">
      <header className="p-header">
        <NavLink to="/public/" className="p-brand" data-testid="p-brand">
          <span className="p-brand-name">{t('portal.brand')}</span>
          <span className="p-brand-sub">{t('portal.brandSub')}</span>
        </NavLink>
        <LanguageSwitch />
      </header>
      <main className="p-main">
        <Routes>
          <Route index element={<HomePage />} />
          <Route path="report" element={<ReportPage />} />
          <Route path="track" element={<TrackPage />} />
          <Route path="track/:code" element={<TrackPage />} />
          <Route path="nearby" element={<NearbyPage />} />
          <Route path="rankings" element={<RankingsPage />} />
          <Route path="*" element={<Navigate to="/public/" replace />} />
        </Routes>
      </main>
      <nav className="p-tabs" aria-label={t('portal.nav')}>
        <NavLink to="/public/" end className="p-tab" data-testid="p-tab-home">
          <HomeOutlined />
          <span>{t('portal.tabs.home')}</span>
        </NavLink>
        <NavLink to="/public/report" className="p-tab" data-testid="p-tab-report">
          <CameraOutlined />
          <span>{t('portal.tabs.report')}</span>
        </NavLink>
        <NavLink to="/public/track" className="p-tab" data-testid="p-tab-track">
          <SearchOutlined />
          <span>{t('portal.tabs.track')}</span>
        </NavLink>
        <NavLink to="/public/nearby" className="p-tab" data-testid="p-tab-nearby">
          <AimOutlined />
          <span>{t('portal.tabs.nearby')}</span>
        </NavLink>
        <NavLink to="/public/rankings" className="p-tab" data-testid="p-tab-rankings">
          <TrophyOutlined />
          <span>{t('portal.tabs.rankings')}</span>
        </NavLink>
      </nav>
    </div>
  );
}
