export { type PdfLabelOptions, renderPdfLabel } from './pdf.js';
export { type LabelInput, MASKED_RECEIVER, renderZplLabel } from './zpl.js';
