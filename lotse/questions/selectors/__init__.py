"""Areas: `ask` (questions to the Lotsen), `knowledge` (knowledge base), `dialog`
(Dialog digital)."""
