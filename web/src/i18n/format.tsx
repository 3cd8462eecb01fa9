import { useTranslation } from 'react-i18next';
import { formatDateTime, formatRelative } from './format-text';

// The words themselves are plain functions, so a test in Node can write what a screen should say.
export { formatDate, formatDateTime, formatRelative } from './format-text';

/** `<time>` for an instant: Amsterdam time, with the machine-readable instant. */
export function DateTime(props: { value: string; relative?: boolean }) {
  const { i18n } = useTranslation();
  return (
    <time dateTime={props.value}>
      {formatDateTime(props.value, i18n.language)}
      {props.relative === true && ` (${formatRelative(props.value, i18n.language)})`}
    </time>
  );
}
