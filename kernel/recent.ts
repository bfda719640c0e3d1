/**
 * The values made last for a few keys: for work that is often asked again for
 * the same input (a cell run again unchanged, the frames of one traceback) and
 * too costly to keep for every input of a long session.
 */
export class Recent<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value for `key`: a recent one, or made by `make` and kept among the recent ones. */
  get(key: K, make: (key: K) => V): V {
    let value = this.values.get(key);
    // Taken out and set again when found: a Map keeps insertion order, so the oldest is first.
    if (value === undefined) value = make(key);
    else this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > this.limit) this.values.delete(this.values.keys().next().value!);
    return value;
  }
}
