import { z } from 'zod';

/** What the model must answer; validated again in code because the model's output is untrusted. */
export const ModelAnswer = z.object({
  summary: z.string().min(1).max(2000),
  root_cause: z.string().max(2000),
  cited_signature_ids: z.array(z.string()).max(20),
  cited_commit_shas: z.array(z.string()).max(20),
  next_steps: z.array(z.string().max(500)).max(8),
  // Advisory fields: a value outside the schema is dropped, not a reason to lose the analysis.
  confidence: z.enum(['low', 'medium', 'high']).optional().catch(undefined),
  severity: z.enum(['none', 'low', 'medium', 'high', 'critical']).optional().catch(undefined),
});
export type ModelAnswer = z.infer<typeof ModelAnswer>;

export const MODEL_ANSWER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'summary',
    'root_cause',
    'cited_signature_ids',
    'cited_commit_shas',
    'next_steps',
    'confidence',
    'severity',
  ],
  properties: {
    summary: { type: 'string', description: 'Two or three sentences for the engineer on call.' },
    root_cause: { type: 'string', description: 'The most likely cause, citing the evidence.' },
    cited_signature_ids: {
      type: 'array',
      items: { type: 'string' },
      description: 'Ids of the signatures in the evidence that the explanation rests on.',
    },
    cited_commit_shas: {
      type: 'array',
      items: { type: 'string' },
      description:
        'SHAs (7 characters or more) of commits in the evidence that the explanation blames.',
    },
    next_steps: {
      type: 'array',
      items: { type: 'string' },
      description: 'Concrete checks for the engineer on call, most useful first.',
    },
    confidence: { type: 'string', enum: ['low', 'medium', 'high'] },
    severity: {
      type: 'string',
      enum: ['none', 'low', 'medium', 'high', 'critical'],
      description: 'Your own assessment of the impact; advisory, the verdict is already decided.',
    },
  },
} as const;
