"""Writes of the Infobriefe, one module per area: `subscriptions` (double opt-in, preferences,
unsubscribe, consent log), `letters` (writing, audience, test send, scheduling), `dispatch`
(exactly-once sending in batches)."""
