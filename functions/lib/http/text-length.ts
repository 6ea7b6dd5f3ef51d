/** Text length in Unicode code points, as Python's len() and the log's text_chars count it. */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// Characters that carry nothing to read: controls (NUL included), format characters (zero-width
// space and joiners, BOM), separators and other white space, lone surrogates, U+FFFD replacement.
const CONTENT = /[^\p{Cc}\p{Cf}\p{Cs}\p{Z}\s\uFFFD]/u;

/** Whether a text has at least one character of content. */
export function hasTextContent(text: string): boolean {
  return CONTENT.test(text);
}

/**
 * The log's text_chars: code points as Python's len() counts them, but 0 for a text with no content
 * at all, so integrity.empty_text counts a text of NULs, zero-width or control characters as empty.
 */
export function textChars(text: string): number {
  return hasTextContent(text) ? codePointLength(text) : 0;
}
