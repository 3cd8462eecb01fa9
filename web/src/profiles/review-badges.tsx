import { useTranslation } from 'react-i18next';
import type { ReviewHint } from './review-hints';

/** A profile's review hints as badges, worded: a colour alone says nothing to someone who cannot see it. */
export function ReviewBadges(props: { hints: readonly ReviewHint[] }) {
  const { t } = useTranslation('profiles');
  return (
    <>
      {props.hints.map((hint) => (
        <span key={hint} className="badge badge-warn">
          {t(`hints.${hint}`)}
        </span>
      ))}
    </>
  );
}
