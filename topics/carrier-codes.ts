/** Our carrier codes (shipments, fulfilment events); each channel connector maps them to its platform's codes. */
export const CARRIERS = ['SF', 'ZTO', 'YTO', 'JD'] as const;
export type CarrierCode = (typeof CARRIERS)[number];
