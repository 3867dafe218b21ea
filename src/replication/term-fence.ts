/**
 * The follower's term rule for AppendEntries (cluster.md §6.2, §7.5): a request from a term below
 * the follower's is refused (the sender is a stale leader); a higher term is adopted, which fences
 * off every leader of an older term. FollowOfNoOne is an empty request carrying a higher term.
 */
export type TermDecision =
  | { readonly kind: 'refuse'; readonly localTerm: number }
  | { readonly kind: 'accept'; readonly adoptTerm: number | undefined };

export function decideTerm(localTerm: number, requestTerm: number): TermDecision {
  if (requestTerm < localTerm) return { kind: 'refuse', localTerm };
  return { kind: 'accept', adoptTerm: requestTerm > localTerm ? requestTerm : undefined };
}
