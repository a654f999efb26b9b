import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../shared/content-hash.js';
import { PermanentStageError } from '../errors.js';
import { ingestDocument } from './ingest-document.js';

const paragraph =
  'Photosynthesis is the process by which green plants use sunlight, water and carbon dioxide to make glucose and oxygen. ';

const boilerplateHtml = `<!doctype html><html lang="en"><head><title>Photosynthesis explained | Green Blog</title>
<meta name="description" content="How plants turn light into sugar."></head><body>
<nav><a href="/">Home</a><a href="/shop">Shop</a><a href="/login">Log in</a></nav>
<header><div class="banner">SUBSCRIBE TODAY! Free shipping on all orders!</div></header>
<div class="sidebar"><h3>Popular</h3><ul><li><a href="/p/1">Ten tips for tomatoes</a></li></ul></div>
<main><article><h1>Photosynthesis explained</h1>
<p>${paragraph.repeat(4)}</p><p>Chlorophyll absorbs red and blue light. See <a href="https://en.wikipedia.org/wiki/Photosynthesis">the encyclopedia</a> and <a href="/related#x">a related post</a>.</p>
<p>${paragraph.repeat(3)}</p></article></main>
<footer>© 2024 Green Blog. All rights reserved. Cookie policy.</footer><script>trackUser()</script></body></html>`;

describe('ingestDocument', () => {
  it('extracts the main text of HTML without boilerplate, with title, description, links and language', () => {
    const doc = ingestDocument({
      body: boilerplateHtml,
      mediaType: 'text/html',
      url: 'https://blog.example.com/photosynthesis',
    });
    expect(doc.text).toContain('Photosynthesis is the process');
    expect(doc.text).toContain('Chlorophyll absorbs red and blue light');
    for (const junk of ['SUBSCRIBE TODAY', 'All rights reserved', 'trackUser', 'Ten tips for tomatoes', 'Log in'])
      expect(doc.text).not.toContain(junk);
    expect(doc.title).toMatch(/Photosynthesis explained/);
    expect(doc.description).toBe('How plants turn light into sugar.');
    expect(doc.links).toContain('https://en.wikipedia.org/wiki/Photosynthesis');
    expect(doc.links).toContain('https://blog.example.com/related');
    expect(doc.language).toBe('en');
    expect(doc.wordCount).toBeGreaterThan(100);
    expect(doc.contentHash).toBe(contentHash(doc.text));
  });

  it('keeps Markdown as it is, titles it by its first heading and finds its links', () => {
    const md = `# Notes on Rust\n\nRust is a systems programming language focused on safety and speed. See https://doc.rust-lang.org/book/ and [the reference](https://doc.rust-lang.org/reference/).\n\n- ownership\n- borrowing\n`;
    const doc = ingestDocument({ body: md, mediaType: null, url: null });
    expect(doc.text).toBe(md.trim());
    expect(doc.title).toBe('Notes on Rust');
    expect(doc.links).toEqual(['https://doc.rust-lang.org/book/', 'https://doc.rust-lang.org/reference/']);
    expect(doc.description).toBeNull();
  });

  it('detects other languages', () => {
    const fr =
      "La photosynthèse est le processus par lequel les plantes vertes utilisent la lumière du soleil, l'eau et le dioxyde de carbone pour fabriquer du glucose.";
    expect(ingestDocument({ body: fr, mediaType: 'text/plain', url: null }).language).toBe('fr');
  });

  it('fails near-empty text with a reason a user understands', () => {
    expect(() => ingestDocument({ body: '  Too short.  ', mediaType: null, url: null })).toThrow(PermanentStageError);
    expect(() => ingestDocument({ body: 'Too short.', mediaType: null, url: null })).toThrow(
      /too little readable text \(10 characters; at least 50/,
    );
    expect(() =>
      ingestDocument({
        body: '<html><body><nav>Menu</nav></body></html>',
        mediaType: 'text/html',
        url: 'https://x.example',
      }),
    ).toThrow(/The page has too little readable text/);
  });

  it('refuses media types it cannot read', () => {
    expect(() =>
      ingestDocument({ body: '%PDF-1.7', mediaType: 'application/pdf', url: 'https://x.example/a.pdf' }),
    ).toThrow(/cannot read application\/pdf/);
  });
});
