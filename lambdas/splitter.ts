/** Placeholder: replaced by the real splitter handler (issue 3). */
export const handler = async () => { throw new Error('not implemented'); };
