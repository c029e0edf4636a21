'use client';

import { useState } from 'react';

/** Copies `text` and says so, in words a screen reader announces. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('done');
    } catch {
      // Clipboard access needs a secure context or a permission; say so.
      setCopied('failed');
    }
    window.setTimeout(() => setCopied('idle'), 2500);
  }

  return (
    <span className="copy">
      <button
        type="button"
        className="button small"
        onClick={() => void copy()}
      >
        {label}
      </button>
      <span role="status" className="copy-status">
        {copied === 'done' ? 'Copied.' : null}
        {copied === 'failed'
          ? 'Copy failed: select the text and copy it by hand.'
          : null}
      </span>
    </span>
  );
}
