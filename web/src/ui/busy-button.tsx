import type { ButtonHTMLAttributes } from 'react';

/**
 * A button that is unavailable while its action runs without being `disabled`: a disabled button drops the
 * keyboard focus, and a keyboard user would have to find their place again. Clicks meanwhile do nothing.
 */
export function BusyButton(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; unavailable?: boolean },
) {
  const { busy, unavailable = false, onClick, ...rest } = props;
  const off = busy || unavailable;
  return (
    <button
      type="button"
      {...rest}
      aria-disabled={off}
      aria-busy={busy}
      onClick={(event) => {
        if (off) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    />
  );
}
