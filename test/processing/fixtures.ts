/** Texts for processing tests: two on one subject (biology), one on another (finance). */
export const PHOTOSYNTHESIS = `# Photosynthesis

Photosynthesis is the process by which green plants, algae and some bacteria turn light energy into chemical energy. Inside the chloroplasts of a leaf cell, the pigment chlorophyll absorbs red and blue light. The energy splits water molecules, releasing oxygen, and drives the synthesis of glucose from carbon dioxide. Biologists divide the process into the light reactions and the Calvin cycle. The light reactions take place in the thylakoid membranes, where proteins pass electrons along a transport chain and pump protons to make ATP. The Calvin cycle runs in the stroma, where the enzyme rubisco fixes carbon dioxide into sugar. Plants store the sugar as starch or use it to build cellulose for new cells. Without photosynthesis there would be almost no oxygen in the atmosphere and no food for animals. Scientists study the genes and proteins involved to breed crops that grow faster in dry and hot climates. Evolution shaped several variants, such as C4 and CAM photosynthesis, which help species living in deserts save water.`;

export const CELL_BIOLOGY = `Cells are the basic units of life. Every organism, from bacteria to plants and animals, is made of one or more cells. A plant cell has a cell wall, a large vacuole and chloroplasts, where photosynthesis takes place. Animal cells lack a wall but have many mitochondria that release energy from glucose. The nucleus holds the DNA, whose genes encode the proteins that do most of the work in the cell. Enzymes speed up chemical reactions, membranes control what enters and leaves, and ribosomes build new proteins from amino acids. Biologists use microscopes and genetics to study how cells divide, grow and specialise during the development of an organism.`;

export const STOCK_MARKETS = `Stock markets let companies raise capital by selling shares to investors. When a central bank raises interest rates, borrowing becomes more expensive, company profits tend to fall and share prices often drop. Investors then move money into bonds, which pay a fixed interest. Traders watch inflation figures, unemployment reports and earnings announcements to predict how prices will move. A diversified portfolio spreads risk across many companies and industries, so that a loss in one stock is balanced by gains in others. Banks, pension funds and ordinary savers all take part in the market.`;

export const htmlPage = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html lang="en"><head><title>${title}</title><meta name="description" content="About ${title.toLowerCase()}"></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<article><h1>${title}</h1>${body
    .split('. ')
    .reduce<string[]>((acc, s, i) => {
      if (i % 4 === 0) acc.push('');
      acc[acc.length - 1] += `${s}. `;
      return acc;
    }, [])
    .map((p) => `<p>${p.trim()}</p>`)
    .join('\n')}
<p>${links.map((l) => `<a href="${l}">a source</a>`).join(', ')}</p></article>
<footer>Copyright footer, privacy policy, cookie settings.</footer></body></html>`;
