/**
 * Answers for input() prompts, so notebooks that ask the user something run
 * unattended. An answers file is JSON: either {"prompt substring": "answer"}
 * (the first key found in the prompt wins, in file order) or a list of answers
 * used in order across the whole run. A prompt the file does not answer gets
 * the asking cell's own answer (metadata `loom.answer`), if it has one, else
 * the default: the file wins, so a run can override what a notebook stores.
 */
import { readFileSync } from 'node:fs';
import type { Cell, JsonObject } from '../jupyter/nbformat.js';
import { KernelError } from '../errors.js';

/** The answer to `prompt`; `cellAnswer` is the asking cell's stored answer, if any. */
export type Answerer = (prompt: string, cellAnswer?: string) => string;

export class AnswersError extends KernelError { readonly code = 'ERR_LOOM_ANSWERS'; }

export function loadAnswers(file: string | undefined, defaultAnswer: string): Answerer {
  if (file === undefined) return (_prompt, cellAnswer) => cellAnswer ?? defaultAnswer;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AnswersError(`answers file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return answerer(json, defaultAnswer, file);
}

export function answerer(json: unknown, defaultAnswer: string, file = 'answers'): Answerer {
  if (Array.isArray(json)) {
    if (!json.every((answer) => typeof answer === 'string')) throw new AnswersError(`${file}: a list of answers must hold only strings`);
    const queue = [...(json as string[])];
    return (_prompt, cellAnswer) => queue.shift() ?? cellAnswer ?? defaultAnswer;
  }
  if (typeof json === 'object' && json !== null) {
    const entries = Object.entries(json);
    const bad = entries.find(([, answer]) => typeof answer !== 'string');
    if (bad) throw new AnswersError(`${file}: the answer for ${JSON.stringify(bad[0])} must be a string`);
    return (prompt, cellAnswer) => (entries.find(([key]) => prompt.includes(key))?.[1] as string | undefined) ?? cellAnswer ?? defaultAnswer;
  }
  throw new AnswersError(`${file}: expected a JSON object {"prompt substring": "answer"} or a list of answers`);
}

/**
 * The answer a cell stores for its input() prompts (metadata `loom.answer`), so
 * an unattended run types what the notebook's author meant.
 */
export function cellAnswer(cell: Cell): string | undefined {
  const loom = cell.metadata.loom;
  if (typeof loom !== 'object' || loom === null) return undefined;
  const answer = (loom as JsonObject).answer;
  return typeof answer === 'string' ? answer : undefined;
}
