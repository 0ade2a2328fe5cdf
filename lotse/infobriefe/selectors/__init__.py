"""Reads of the Infobriefe, one module per area: `subscriptions`, `letters` (the editors'
scope, figures and progress), `archive` (public)."""
