/** The four answers Aftershock gives, most severe first. */
export const VERDICTS = ['regression', 'warning', 'inconclusive', 'clean'] as const;
export type Verdict = (typeof VERDICTS)[number];
