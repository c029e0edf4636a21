import type { DeliveryDetail } from '../_lib/api-types';
import { formatJsonText } from '../_lib/format-json';
import { JsonBlock } from './json-block';

/**
 * The body as received: indented when it is JSON (numbers keep their exact
 * text), as text when it is not, as base64 when it is not even UTF-8. Copy
 * always copies the bytes' text exactly as they arrived.
 */
export function DeliveryBody({ delivery }: { delivery: DeliveryDetail }) {
  if (delivery.masked) {
    return (
      <p className="muted">
        Withheld from viewers: a body can identify the payer. An operator or
        admin can read it.
      </p>
    );
  }
  const { body } = delivery;
  if (body === null) {
    return (
      <p className="muted">
        No body is kept any more: raw bodies are pruned after the retention
        period. Its sha256 and the event made from it remain.
      </p>
    );
  }
  const note = delivery.bodyTruncated ? (
    <p className="hint">
      Only the first part of this body is kept: it was refused before it was
      read in full.
    </p>
  ) : null;
  if (body.text === null) {
    return (
      <>
        {note}
        <p className="hint">Not valid UTF-8 text, so it is shown as base64.</p>
        <JsonBlock label="Raw body (base64)" shown={body.base64} />
      </>
    );
  }
  const pretty = formatJsonText(body.text);
  return (
    <>
      {note}
      {pretty === null ? (
        <p className="hint">Not JSON; shown exactly as received.</p>
      ) : null}
      <JsonBlock
        label="Raw body"
        shown={pretty ?? body.text}
        copyText={body.text}
      />
    </>
  );
}
