import { CopyButton } from './copy-button';

/**
 * Pretty-printed JSON or text in a scrollable, focusable block (so keyboard
 * users can scroll it), with a button that copies `copyText`.
 */
export function JsonBlock({
  label,
  shown,
  copyText,
}: {
  label: string;
  shown: string;
  copyText?: string;
}) {
  return (
    <figure className="json-block">
      <figcaption>
        <span>{label}</span>
        <CopyButton
          text={copyText ?? shown}
          label={`Copy ${label.toLowerCase()}`}
        />
      </figcaption>
      <pre tabIndex={0} aria-label={label}>
        {shown}
      </pre>
    </figure>
  );
}
