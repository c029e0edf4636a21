/**
 * Re-indents JSON text without parsing it into values, so every number keeps
 * the exact text the provider sent (`4.50` stays `4.50`, a 20-digit id keeps
 * its digits) and repeated keys stay visible. Returns null when the text is
 * not JSON-shaped enough to indent; the caller then shows it as it is.
 */
export function formatJsonText(text: string, indent = 2): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = () => `\n${' '.repeat(depth * indent)}`;
  for (let i = 0; i < trimmed.length; i += 1) {
    const char = trimmed[i]!;
    if (inString) {
      out += char;
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      const next = trimmed.slice(i + 1).trimStart()[0];
      if (next === close) {
        out += char + close;
        i = trimmed.indexOf(close, i + 1);
      } else {
        depth += 1;
        out += char + newline();
      }
    } else if (char === '}' || char === ']') {
      depth = Math.max(0, depth - 1);
      out += newline() + char;
    } else if (char === ',') {
      out += `,${newline()}`;
    } else if (char === ':') {
      out += ': ';
    } else if (!/\s/.test(char)) {
      out += char;
    }
  }
  return inString || depth !== 0 ? null : out;
}

/** A stored value (already parsed by the server) as indented JSON. */
export function formatValue(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}
