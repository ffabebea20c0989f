import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPONENTS, PIPELINE_PARTS } from './parts.js';
import { withTopologySection } from './readme.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README architecture section', () => {
  it("is the registry's table (regenerate: npm run omnistream -- topology --readme)", () => {
    expect(readme).toBe(withTopologySection(readme));
  });

  it('names every component and every part', () => {
    for (const c of COMPONENTS) expect(readme).toContain(`| \`${c.name}\` |`);
    for (const p of PIPELINE_PARTS) expect(readme).toContain(`\`${p}\``);
  });
});
