/** Placeholder: replaced by the real aggregator handler (issue 3). */
export const handler = async () => { throw new Error('not implemented'); };
