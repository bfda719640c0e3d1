/** A Redis URL as it may be shown: never with its password (or user name). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const auth = parsed.username !== '' || parsed.password !== '' ? '***@' : '';
    return `${parsed.protocol}//${auth}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the Redis URL (unparseable, not shown)';
  }
}

/** `text` with every occurrence of the URL's password taken out (error messages of the client library). */
export function scrub(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password === '' ? text : text.split(password).join('***');
}
