// What a notebook cell must show after it runs, read from its metadata:
//   "metadata": {"loom": {"expect": ["text its outputs contain"], "svg": true,
//                         "answer": "text to type into its input() box"}}
// and Jupyter's cell tags: "raises-exception" (an error output is expected)
// and "skip-execution" (not run), as nbclient reads them.

const KNOWN_KEYS = new Set(['expect', 'svg', 'answer']);

export class ExpectationError extends Error {}

/** Reads and checks one cell's expectations; `where` names the cell in errors. */
export function cellExpectations(cell, where) {
  const loom = cell.metadata?.loom ?? {};
  if (typeof loom !== 'object' || Array.isArray(loom)) throw new ExpectationError(`${where}: metadata "loom" must be an object, not ${JSON.stringify(loom)}`);
  let expect = loom.expect ?? [];
  if (typeof expect === 'string') expect = [expect];
  if (!Array.isArray(expect) || !expect.every((text) => typeof text === 'string' && text !== '')) {
    throw new ExpectationError(`${where}: metadata loom.expect must be a list of non-empty strings, not ${JSON.stringify(loom.expect)}`);
  }
  if (loom.svg !== undefined && typeof loom.svg !== 'boolean') throw new ExpectationError(`${where}: metadata loom.svg must be true or false, not ${JSON.stringify(loom.svg)}`);
  if (loom.answer !== undefined && typeof loom.answer !== 'string') throw new ExpectationError(`${where}: metadata loom.answer must be a string, not ${JSON.stringify(loom.answer)}`);
  const tags = Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
  return {
    expect,
    svg: loom.svg === true,
    answer: loom.answer,
    raises: tags.includes('raises-exception'),
    skip: tags.includes('skip-execution'),
    unknownKeys: Object.keys(loom).filter((key) => !KNOWN_KEYS.has(key)),
  };
}

/**
 * What is wrong with a cell's outputs, as sentences (none when all is well).
 * `shown` is { text, outputs, svgCount }: the text a person reads, the
 * nbformat outputs, and how many SVG images were drawn.
 */
export function unmetExpectations(expectations, shown) {
  const problems = [];
  if (!expectations.raises) {
    for (const output of shown.outputs.filter((o) => o.output_type === 'error')) {
      problems.push(`an error output: ${output.ename}: ${output.evalue}`);
    }
  }
  for (const text of expectations.expect.filter((text) => !shown.text.includes(text))) {
    problems.push(`its outputs lack ${JSON.stringify(text)}`);
  }
  if (expectations.svg && shown.svgCount === 0) problems.push('its outputs show no SVG chart');
  return problems;
}
