/** The JSON array of outbound links stored by INGESTION ([] when absent or malformed). */
export function parseLinks(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * A URL in the form links are matched by: lower-case host without "www.", no fragment, no default
 * port, no trailing slash, scheme-insensitive (http and https of one page match). null when unparsable.
 */
export function urlMatchKey(raw: string): string | null {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
    const path = url.pathname.replace(/\/+$/, '');
    return `${host}${port}${path}${url.search}`;
  } catch {
    return null;
  }
}
