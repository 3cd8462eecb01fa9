import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A screen: its one `h1`, which also names the browser tab. Arriving from another screen moves focus to
 * the heading, so a screen-reader user hears where they are (the link they followed is gone).
 */
export function Page(props: { title: string; children: ReactNode; actions?: ReactNode; lead?: ReactNode }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t('appName')}`;
  }, [props.title, t]);
  useEffect(() => {
    const active = document.activeElement;
    if (active === null || active === document.body) heading.current?.focus();
  }, []);
  return (
    <>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.actions !== undefined && <div className="page-actions">{props.actions}</div>}
      </div>
      {props.lead}
      {props.children}
    </>
  );
}

/** A titled part of a screen: a `section` named by its `h2`. */
export function Section(props: { title: string; children: ReactNode; id?: string; level?: 2 | 3 }) {
  const id = props.id ?? `s-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const Heading = props.level === 3 ? 'h3' : 'h2';
  return (
    <section aria-labelledby={id} className="section">
      <Heading id={id}>{props.title}</Heading>
      {props.children}
    </section>
  );
}
