/* Syntax highlighting for code in Markdown and diffs: the common languages only, never guessed, bounded in size. */
import type { ReactNode } from 'react';
import rehypeHighlight, { type Options } from 'rehype-highlight';

/** Code longer than this is shown plain, so a pasted megabyte cannot freeze the window. */
export const MAX_HIGHLIGHT_CHARS = 20_000;

/** The options every highlighter here uses: the library's common languages, no guessing. */
export const HIGHLIGHT_OPTIONS: Options = { detect: false };

interface HastText {
  type: 'text';
  value: string;
}
interface HastElement {
  type: 'element';
  tagName: string;
  properties: { className?: unknown };
  children: HastNode[];
}
type HastNode = HastText | HastElement | { type: string; children?: HastNode[] };
interface HastRoot {
  type: 'root';
  children: HastNode[];
}

const textOf = (node: HastNode): string =>
  node.type === 'text' ? (node as HastText).value : 'children' in node && node.children ? node.children.map(textOf).join('') : '';

/**
 * A rehype step to run before rehype-highlight: a code block longer than
 * MAX_HIGHLIGHT_CHARS is marked `no-highlight`, which rehype-highlight skips.
 */
export function rehypeCapHighlight() {
  const visit = (node: HastNode) => {
    if (node.type === 'element' && (node as HastElement).tagName === 'code' && textOf(node).length > MAX_HIGHLIGHT_CHARS) {
      const element = node as HastElement;
      const classes = Array.isArray(element.properties.className) ? element.properties.className : [];
      element.properties.className = [...classes, 'no-highlight'];
      return;
    }
    if ('children' in node && node.children) node.children.forEach(visit);
  };
  return (tree: HastRoot) => visit(tree);
}

const highlightTree = rehypeHighlight(HIGHLIGHT_OPTIONS);
// rehype-highlight reports an unknown language as a message on the file; here that just means plain text.
const quietFile = { message: () => undefined } as unknown as Parameters<typeof highlightTree>[1];

function toReact(nodes: HastNode[]): ReactNode[] {
  return nodes.map((node, i) => {
    if (node.type === 'text') return (node as HastText).value;
    if (node.type !== 'element') return null;
    const element = node as HastElement;
    const className = Array.isArray(element.properties.className) ? element.properties.className.join(' ') : undefined;
    return (
      <span key={i} className={className}>
        {toReact(element.children)}
      </span>
    );
  });
}

/**
 * Each line highlighted as `language` (a highlight.js name such as
 * "typescript"), as React nodes; the lines unchanged when the language is
 * unknown or the text too long.
 */
export function highlightLines(lines: string[], language: string | undefined): ReactNode[][] {
  const plain = lines.map((line) => [line]);
  if (!language || lines.reduce((sum, line) => sum + line.length, 0) > MAX_HIGHLIGHT_CHARS) return plain;
  const tree: HastRoot = {
    type: 'root',
    children: lines.map((line) => ({
      type: 'element',
      tagName: 'pre',
      properties: {},
      children: [{ type: 'element', tagName: 'code', properties: { className: [`language-${language}`] }, children: [{ type: 'text', value: line }] }],
    })),
  };
  highlightTree(tree as unknown as Parameters<typeof highlightTree>[0], quietFile);
  return tree.children.map((pre) => toReact(((pre as HastElement).children[0] as HastElement).children));
}
