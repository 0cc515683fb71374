/** Placeholder: replaced by the real validator handler (issue 3). */
export const handler = async () => { throw new Error('not implemented'); };
