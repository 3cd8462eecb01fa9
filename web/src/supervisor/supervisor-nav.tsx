import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import './supervisor.css';
import '../care/care.css';

/** The supervisor's own screens, under the one header entry "Supervision". */
export function SupervisorNav() {
  const { t } = useTranslation('supervisor');
  const items = [
    { to: '/supervisor', label: t('nav.overview') },
    { to: '/supervisor/closed', label: t('nav.closed') },
    { to: '/supervisor/access-records', label: t('nav.accessRecords') },
  ] as const;
  return (
    <nav aria-label={t('nav.label')} className="sub-nav">
      <ul>
        {items.map((item) => (
          <li key={item.to}>
            <Link to={item.to} activeOptions={{ exact: true }} activeProps={{ 'aria-current': 'page' }}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A case id that opens the case page (the police view, where its timeline and tasks are). */
export function CaseLink(props: { caseId: string }) {
  return (
    <Link to="/cases/$caseId" params={{ caseId: props.caseId }}>
      {props.caseId}
    </Link>
  );
}
