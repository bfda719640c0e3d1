/**
 * V8's remote objects (CDP Runtime.RemoteObject) as a debugger's variables
 * panel shows them: `"text"`, `42`, `Map(2) {'a' => 1, 'b' => 2}`,
 * `Point {x: 1, y: 2}`, `[1, 2, 3]`; objects expandable, functions not.
 */
import type { Cdp } from './cdp.js';
import type { DapVariable } from './dap.js';
import type { Handles } from './handles.js';

export interface RemoteObject {
  type: string;
  subtype?: string;
  className?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  objectId?: string;
  preview?: ObjectPreview;
}

interface ObjectPreview {
  overflow: boolean;
  properties: { name: string; type: string; value?: string; subtype?: string }[];
  entries?: { key?: ObjectPreview; value: ObjectPreview }[];
  description?: string;
  type: string;
  subtype?: string;
}

interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
  get?: RemoteObject;
  enumerable?: boolean;
}

/** Internal properties worth showing: a Map's or Set's entries, a boxed primitive, a promise's state. */
const SHOWN_INTERNALS = new Set(['[[Entries]]', '[[PrimitiveValue]]', '[[PromiseState]]', '[[PromiseResult]]', '[[Target]]', '[[Handler]]']);

export function describe(remote: RemoteObject): string {
  if (remote.type === 'undefined') return 'undefined';
  if (remote.unserializableValue !== undefined) return remote.unserializableValue;
  if (remote.type === 'string') return JSON.stringify(remote.value);
  if (remote.type === 'number' || remote.type === 'boolean') return String(remote.value);
  if (remote.subtype === 'null') return 'null';
  if (remote.type === 'object' && remote.preview) return previewText(remote.preview, remote.description ?? '');
  // A function's description is its whole source: its first line says what it is.
  if (remote.type === 'function') return (remote.description ?? 'function').split('\n')[0]!.replace(/\s*\{\s*$/, '');
  return remote.description ?? String(remote.value);
}

export function typeOf(remote: RemoteObject): string {
  if (remote.type === 'object') return remote.subtype === 'null' ? 'null' : remote.className ?? 'Object';
  return remote.type;
}

/** A reference the client can expand: objects only (a function's own properties are not what a student looks for). */
export function referenceOf(remote: RemoteObject, handles: Handles, cdp: Cdp): number {
  return remote.type === 'object' && remote.objectId !== undefined ? handles.add({ objectId: remote.objectId, cdp }) : 0;
}

/**
 * A DAP variable, without `type`: JupyterLab's variables tree shows a variable's
 * type instead of its value for any type but Python's int, float, bool and str
 * (convertType in @jupyterlab/debugger 4.6), so a TypeScript `number` would read
 * "number", not 3. The value says the class anyway (`Map(2) {...}`, `Point {...}`).
 */
export function variableOf(name: string, remote: RemoteObject, handles: Handles, cdp: Cdp, evaluateName?: string): DapVariable {
  return { name, value: describe(remote), variablesReference: referenceOf(remote, handles, cdp), ...(evaluateName ? { evaluateName } : {}) };
}

/** An object's own properties (and the internals worth seeing) as DAP variables. */
export async function variablesOf(cdp: Cdp, objectId: string, handles: Handles, only?: ReadonlySet<string>): Promise<DapVariable[]> {
  const answer = await cdp.send<{ result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] }>('Runtime.getProperties', {
    objectId,
    ownProperties: true,
    generatePreview: true,
  });
  const variables: DapVariable[] = [];
  for (const property of answer.result) {
    if (property.name === '__proto__' || (only && !only.has(property.name))) continue;
    const remote = property.value ?? (property.get ? { type: 'accessor', description: '(getter)' } : { type: 'undefined' });
    variables.push(variableOf(property.name, remote, handles, cdp, /^[A-Za-z_$][\w$]*$/.test(property.name) ? property.name : undefined));
  }
  for (const property of answer.internalProperties ?? []) {
    if (SHOWN_INTERNALS.has(property.name) && property.value) variables.push(variableOf(property.name, property.value, handles, cdp));
  }
  return variables;
}

function previewText(preview: ObjectPreview, description: string): string {
  const more = preview.overflow ? ', …' : '';
  if (preview.entries) {
    const entries = preview.entries.map((entry) => (entry.key ? `${previewValue(entry.key)} => ${previewValue(entry.value)}` : previewValue(entry.value)));
    return `${description} {${entries.join(', ')}${more}}`;
  }
  if (preview.subtype === 'array' || preview.subtype === 'typedarray') {
    return `${/^Array\(/.test(description) ? '' : `${description} `}[${preview.properties.map(propertyValue).join(', ')}${more}]`;
  }
  if (preview.subtype && preview.subtype !== 'array') return description;
  const fields = preview.properties.map((property) => `${property.name}: ${propertyValue(property)}`).join(', ');
  return `${description === 'Object' ? '' : `${description} `}{${fields}${more}}`;
}

function previewValue(preview: ObjectPreview): string {
  if (preview.type === 'string') return JSON.stringify(preview.description ?? '');
  return preview.description ?? preview.type;
}

function propertyValue(property: { type: string; value?: string; subtype?: string }): string {
  if (property.type === 'string') return JSON.stringify(property.value ?? '');
  return property.value ?? property.type;
}
