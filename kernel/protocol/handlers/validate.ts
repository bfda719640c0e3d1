type Kind = 'string' | 'number' | 'boolean' | 'object';

/**
 * Checks the fields a handler relies on; returns a message naming the field,
 * what was expected and what came, or undefined when the content is usable.
 */
export function checkContent<T>(content: unknown, fields: Partial<Record<keyof T, Kind>>, optional: Partial<Record<keyof T, Kind>> = {}): string | undefined {
  const record = content as Record<string, unknown>;
  for (const [field, kind] of Object.entries(fields) as Array<[string, Kind]>) {
    if (!matches(record[field], kind)) return `content.${field} must be a ${kind}, got ${describe(record[field])}`;
  }
  for (const [field, kind] of Object.entries(optional) as Array<[string, Kind]>) {
    const value = record[field];
    if (value !== undefined && value !== null && !matches(value, kind)) return `content.${field} must be a ${kind}, got ${describe(value)}`;
  }
  return undefined;
}

function matches(value: unknown, kind: Kind): boolean {
  if (kind === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === kind;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
