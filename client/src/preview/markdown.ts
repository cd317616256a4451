// "Save Markdown": every diagram of a file as a ```mermaid fenced block under its
// title, which GitHub, GitLab and VS Code's own Markdown preview (with a Mermaid
// extension) draw as they are.
import type { PreviewView } from './protocol.js';

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** Titles are user text: one line, and no leading characters Markdown would read as syntax. */
function headingText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/^[#>*+-]/, '\\$&');
}

export function markdownOf(fileName: string, views: readonly PreviewView[]): string {
  const parts = [`# Ladder diagrams of ${headingText(fileName)}`, ''];
  for (const view of views) {
    const fence = fenceFor(view.mermaid);
    const source = view.mermaid.endsWith('\n') ? view.mermaid : `${view.mermaid}\n`;
    parts.push(`## ${headingText(view.title)}`, '', `${fence}mermaid`, `${source}${fence}`, '');
  }
  return parts.join('\n');
}
