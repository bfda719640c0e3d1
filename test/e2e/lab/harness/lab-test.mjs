// node:test's test(), plus a screenshot of the page in artifacts/ when it fails.
import { test } from 'node:test';

/** `lab()` returns the LabPage to photograph (it may not exist yet when the test starts). */
export function labTest(name, options, lab, fn) {
  return test(name, options, async (t) => {
    try {
      await fn(t);
    } catch (error) {
      const page = lab();
      if (page) {
        const screenshot = await page.screenshot(`FAILED ${name}`).catch((e) => `(none: ${e.message})`);
        error.message = `${error.message}\n  screenshot: ${screenshot}`;
      }
      throw error;
    }
  });
}
