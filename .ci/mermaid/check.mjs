// Parses every ```mermaid block in the given Markdown files with Mermaid's own parser, the one
// GitHub renders diagrams with. A block that does not parse is shown on GitHub as an error box
// instead of a diagram (a ';' inside a sequence-diagram message is the classic cause).
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = window;
globalThis.document = window.document;
globalThis.DOMParser = window.DOMParser;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let diagrams = 0;
let failures = 0;
for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let block = null;
  let firstLine = 0;
  for (let i = 0; i < lines.length; i++) {
    if (block === null && lines[i].startsWith('```mermaid')) {
      block = [];
      firstLine = i + 2;
    } else if (block !== null && lines[i].startsWith('```')) {
      diagrams++;
      try {
        await mermaid.parse(block.join('\n'));
      } catch (e) {
        failures++;
        console.error(`${file}:${firstLine}: the diagram does not parse:\n${String(e.message ?? e)}\n`);
      }
      block = null;
    } else if (block !== null) {
      block.push(lines[i]);
    }
  }
}
console.log(`${diagrams} diagrams checked, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
