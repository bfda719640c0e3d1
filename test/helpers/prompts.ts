import type { ExecuteOptions } from '../../kernel/client/client.js';

/**
 * Answers the prompts of workers that each print `<name> asks` just before
 * they call input(`<name>? `), and records how many prompts were open at once.
 * A prompt is answered only once every worker has said it is about to ask,
 * and a moment later: were the prompts not taken in turn, a second one would
 * be open by then. (The moment only gives a wrongly let-through prompt time to
 * arrive; prompts taken in turn pass however long it is.)
 */
export function promptsInTurn(names: string[]): Pick<ExecuteOptions, 'onOutput' | 'onInput'> & { prompts: string[]; mostOpen: () => number } {
  const prompts: string[] = [];
  let open = 0;
  let mostOpen = 0;
  let said = '';
  let allAsking!: () => void;
  const asking = new Promise<void>((resolve) => (allAsking = resolve));
  return {
    prompts,
    mostOpen: () => mostOpen,
    onOutput: (m) => {
      if (m.header.msg_type !== 'stream') return;
      said += String(m.content.text);
      if (names.every((name) => said.includes(`${name} asks`))) allAsking();
    },
    onInput: async (prompt) => {
      prompts.push(prompt);
      mostOpen = Math.max(mostOpen, ++open);
      await asking;
      await new Promise((resolve) => setTimeout(resolve, 200));
      open--;
      return `answer to ${prompt.trim()}`;
    },
  };
}
