// The text PDF.js (Firefox, most web document viewers) extracts from a PDF, page by page.
// Usage: node pdfjs.mjs file.pdf — prints the text; lines end where PDF.js says they end.
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const data = new Uint8Array(await readFile(process.argv[2]));
const doc = await getDocument({ data, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
let out = "";
for (let n = 1; n <= doc.numPages; n++) {
  const page = await doc.getPage(n);
  const content = await page.getTextContent();
  for (const item of content.items) {
    if ("str" in item) out += item.str + (item.hasEOL ? "\n" : "");
  }
  out += "\n";
}
process.stdout.write(out);
