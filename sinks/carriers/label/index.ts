export { MASKED_RECEIVER, renderZplLabel, type LabelInput } from './zpl.js';
export { renderPdfLabel, type PdfLabelOptions } from './pdf.js';
