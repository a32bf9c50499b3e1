/**
 * How a tool reports a command Portcullis did not run. An approval-required command is not an error
 * but a pending result with the approval id, so an agent can wait for it and retry.
 */
export type ToolRefusal =
  | { status: 'pending'; approvalId?: string; message: string }
  | { status: 'refused'; message: string; ruleIds?: string[]; approvalId?: string };

export function toolRefusal(r: {
  code: string;
  message: string;
  ruleIds?: string[];
  approvalId?: string;
}): ToolRefusal {
  const message = r.message.startsWith('portcullis:') ? r.message : `portcullis: ${r.message}`;
  if (r.code === 'approval_pending')
    return { status: 'pending', message, ...(r.approvalId ? { approvalId: r.approvalId } : {}) };
  return {
    status: 'refused',
    message,
    ...(r.ruleIds?.length ? { ruleIds: r.ruleIds } : {}),
    ...(r.approvalId ? { approvalId: r.approvalId } : {}),
  };
}
